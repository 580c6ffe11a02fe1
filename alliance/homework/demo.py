"""Tasks and task logs for the demo clinic's clients, on top of the goals demo.

Dates count back from the seed date. Every choice comes from a `random.Random` seeded with the
client and the task alone, so the logs tell the same story on every machine and whatever the
day of seeding.
Priya's tasks stop fitting during her rough patch: one is dropped by agreement, one is revised.
Alex's first goal is achieved here, which ends its task with it.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from alliance.goals import services as goals
from alliance.goals.demo import clock, each_story, stories
from alliance.goals.models import Goal
from alliance.homework import services
from alliance.homework.models import Task

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = (MON, TUE, WED, THU, FRI)


def fresh(task: Task) -> Task:
    return Task.objects.select_related("client", "goal").get(pk=task.pk)


def goal_of(client, text: str) -> Goal:
    # Goal text is sealed, so the match is made here over the client's few goals.
    (goal,) = [
        g for g in Goal.objects.select_related("client").filter(client=client) if g.text == text
    ]
    return goal


def propose(user, client, goal, text, frequency, at) -> Task:
    return services.propose_task(user, client, goal.pk, text, frequency, at=at)


def agree(user, task, at) -> Task:
    task = fresh(task)
    return services.agree_to_task(user, task, task.version, at=at)


def log_days(client, task, today, when, *, first, last, weekdays, pick, seed) -> None:
    """A log on each of `weekdays` from `first` to `last` days ago, as `pick(rng, days_ago)`
    decides: (status, fit, note), or None for a day the client did not log."""
    rng = random.Random(f"alliance-demo-tasks:{client.user.email}:{seed}")
    task = fresh(task)
    for days_ago in range(first, last - 1, -1):
        day = today - datetime.timedelta(days=days_ago)
        if day.weekday() not in weekdays:
            continue
        choice = pick(rng, days_ago)
        if choice is None:
            continue
        status, fit, note = choice
        services.log_task(
            client.user, task, status, fit, note, at=when(days_ago, 20, rng.randrange(60))
        )


def steady(done: float, partly: float, fits: tuple[int, ...], skip=0.1, notes=()):
    def pick(rng, days_ago):
        if rng.random() < skip:
            return None
        roll = rng.random()
        status = "done" if roll < done else "partly" if roll < done + partly else "not_done"
        note = rng.choice(notes) if notes and rng.random() < 0.2 else ""
        return status, rng.choice(fits), note

    return pick


def improving(first: int, done_from: float, done_to: float, fits: tuple[int, ...], notes=()):
    def pick(rng, days_ago):
        progress = 1 - days_ago / first
        done = done_from + (done_to - done_from) * progress
        return steady(done, 0.2, fits, notes=notes)(rng, days_ago)

    return pick


def sam(client, today, when):
    sam, maya = client.user, client.counselor
    run = goal_of(client, "Get back to running three mornings a week")
    kit = propose(
        maya,
        client,
        run,
        "Lay out my running kit the night before",
        "the night before a run",
        when(147, 11),
    )
    agree(sam, kit, when(146, 21))
    log_days(
        client,
        kit,
        today,
        when,
        first=146,
        last=1,
        weekdays=(SUN, TUE, THU),
        pick=improving(146, 0.45, 0.9, (4, 4, 5), ("Easy when it is by the door",)),
        seed="kit",
    )
    sleep = goal_of(client, "Be asleep by midnight on weeknights")
    phone = propose(
        sam,
        client,
        sleep,
        "Phone on the charger in the kitchen at 11pm",
        "weeknights",
        when(120, 21),
    )
    agree(maya, phone, when(119, 11))
    log_days(
        client,
        phone,
        today,
        when,
        first=119,
        last=91,
        weekdays=(MON, TUE, WED, THU),
        pick=steady(0.4, 0.3, (2, 3), notes=("I need it as my alarm",)),
        seed="phone-1",
    )
    phone = fresh(phone)
    services.edit_task(
        maya,
        phone,
        phone.version,
        text="Phone on the charger in the kitchen at 11pm; the old alarm clock by the bed",
        at=when(90, 11),
    )
    agree(sam, phone, when(89, 21))
    log_days(
        client,
        phone,
        today,
        when,
        first=89,
        last=1,
        weekdays=(MON, TUE, WED, THU),
        pick=improving(89, 0.55, 0.85, (4, 5)),
        seed="phone-2",
    )


def priya(client, today, when):
    priya, maya = client.user, client.counselor
    speak = goal_of(client, "Say one thing in the small team meeting each week")
    point = propose(
        maya,
        client,
        speak,
        "Write down one point before each meeting",
        "before each meeting",
        when(148, 11),
    )
    agree(priya, point, when(147, 20))

    def rough_patch(rng, days_ago):
        # Weeks 10 to 17 of her six months: the task stops fitting.
        if 63 <= days_ago <= 112:
            return steady(0.1, 0.3, (1, 2), skip=0.3, notes=("Could not face it",))(rng, days_ago)
        return steady(0.7, 0.2, (4, 4, 5))(rng, days_ago)

    log_days(
        client,
        point,
        today,
        when,
        first=147,
        last=77,
        weekdays=(TUE,),
        pick=rough_patch,
        seed="point-1",
    )
    point = fresh(point)
    services.edit_task(
        maya,
        point,
        point.version,
        text="Tell a colleague my point before the small meeting",
        frequency="each week",
        at=when(76, 11),
    )
    agree(priya, point, when(75, 19))
    log_days(
        client,
        point,
        today,
        when,
        first=75,
        last=1,
        weekdays=(TUE,),
        pick=improving(75, 0.5, 0.9, (4, 4, 5), ("Sana backed me up",)),
        seed="point-2",
    )

    diary = propose(
        maya, client, speak, "Keep a worry diary every evening", "every evening", when(130, 11)
    )
    agree(priya, diary, when(129, 21))
    log_days(
        client,
        diary,
        today,
        when,
        first=129,
        last=96,
        weekdays=range(7),
        pick=steady(0.2, 0.4, (1, 2, 2, 3), skip=0.25),
        seed="diary",
    )
    diary = fresh(diary)
    services.propose_drop(
        priya,
        diary,
        "Writing worries down at night keeps me awake.",
        diary.version,
        at=when(95, 22),
    )
    services.answer_drop(
        maya,
        fresh(diary),
        True,
        "Let's find something for the mornings instead.",
        at=when(94, 11),
    )

    friend = goal_of(client, "See a friend outside work every fortnight")
    message = propose(
        priya,
        client,
        friend,
        "Message one friend to suggest a plan",
        "every Sunday",
        when(110, 20),
    )
    agree(maya, message, when(108, 11))
    log_days(
        client,
        message,
        today,
        when,
        first=108,
        last=1,
        weekdays=(SUN,),
        pick=improving(108, 0.4, 0.8, (3, 4, 4)),
        seed="message",
    )


def jordan(client, today, when):
    jordan, maya = client.user, client.counselor
    see = goal_of(client, "See a friend once a week")
    text = propose(maya, client, see, "Text one friend on Friday", "weekly", when(118, 11))
    agree(jordan, text, when(117, 22))

    def sliding(rng, days_ago):
        progress = 1 - days_ago / 117
        return steady(0.5 - 0.45 * progress, 0.2, (1, 2, 2, 3), skip=0.15 + 0.3 * progress)(
            rng, days_ago
        )

    log_days(
        client,
        text,
        today,
        when,
        first=117,
        last=1,
        weekdays=(FRI,),
        pick=sliding,
        seed="text",
    )


def alex(client, today, when):
    alex, tom = client.user, client.counselor
    shop_goal = goal_of(client, "Do the supermarket shop at a busy time")
    shop = propose(
        tom, client, shop_goal, "Shop a little busier each week", "weekly", when(154, 10)
    )
    agree(alex, shop, when(153, 18))
    log_days(
        client,
        shop,
        today,
        when,
        first=153,
        last=31,
        weekdays=(SAT,),
        pick=improving(153, 0.5, 0.95, (4, 5)),
        seed="shop",
    )
    shop_goal = Goal.objects.select_related("client").get(pk=shop_goal.pk)
    goals.propose_closure(
        alex,
        shop_goal,
        "achieved",
        "I did the Saturday morning shop three weeks running!",
        shop_goal.version,
        at=when(30, 18),
    )
    goals.answer_closure(tom, shop_goal, True, "Well done, Alex.", at=when(29, 10))

    bus = goal_of(client, "Take the bus to work without leaving early")
    breathe = propose(
        tom,
        client,
        bus,
        "Breathing exercise before leaving the house",
        "every workday",
        when(105, 10),
    )
    agree(alex, breathe, when(105, 18))
    log_days(
        client,
        breathe,
        today,
        when,
        first=104,
        last=1,
        weekdays=WEEKDAYS,
        pick=steady(0.75, 0.15, (4, 5, 5), skip=0.2, notes=("Did it on the platform",)),
        seed="breathe",
    )


def robin(client, today, when):
    robin, tom = client.user, client.counselor
    cook = goal_of(client, "Cook dinner at home four nights a week")
    plan = propose(tom, client, cook, "Plan the week's meals on Sunday", "weekly", when(139, 15))
    agree(robin, plan, when(138, 20))
    log_days(
        client,
        plan,
        today,
        when,
        first=138,
        last=1,
        weekdays=(SUN,),
        pick=steady(0.3, 0.5, (3, 3, 2, 4), skip=0.15),
        seed="plan",
    )


STORIES = stories(sam, priya, jordan, alex, robin)


@transaction.atomic
def seed_tasks(clinic, today: datetime.date | None = None) -> None:
    """Give the demo clinic's clients their tasks and logs (after `seed_goals`)."""
    today = today or timezone.localdate()
    when = clock(today)
    for client, story in each_story(clinic, STORIES):
        if client.goals.exists():
            story(client, today, when)
