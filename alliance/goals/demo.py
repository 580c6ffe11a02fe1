"""Goals, values, attainment scales and ratings for the demo clinic's clients.

Every date counts back a fixed number of days from the seed date, so seeding on the same day
gives the same history on every machine. The stories follow the check-in stories: Sam improves
and retires a goal that no longer fits, Priya asks to revisit a goal during her rough patch and
it is reworded, Jordan's goals wait on agreement and he asks to revisit one, Alex improves
(his first goal is achieved when the tasks demo closes it), Robin stays level.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from alliance.care.models import Client
from alliance.goals import services
from alliance.goals.models import Goal


def clock(today: datetime.date):
    """`when(days_ago, hour)`: an aware datetime that many days before `today`."""

    def when(days_ago: int, hour: int = 18, minute: int = 0) -> datetime.datetime:
        day = today - datetime.timedelta(days=days_ago)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    return when


def fresh(goal: Goal) -> Goal:
    return Goal.objects.select_related("client").get(pk=goal.pk)


def agree(user, goal, at) -> Goal:
    goal = fresh(goal)
    return services.agree_to_goal(user, goal, goal.version, at=at)


def edit(user, goal, at, **changes) -> Goal:
    goal = fresh(goal)
    return services.edit_goal(user, goal, goal.version, at=at, **changes).record


def scale(user, goal, levels: list[str], at, weight=None) -> Goal:
    """`levels` from −2 up to +2."""
    goal = fresh(goal)
    keyed = {str(level): text for level, text in zip((-2, -1, 0, 1, 2), levels, strict=True)}
    return services.set_scale(user, goal, keyed, weight=weight, version=goal.version, at=at).record


def rate(user, goal, series: list[tuple[int, int]], when) -> None:
    """`series` of (days ago, level), oldest first."""
    for days_ago, level in series:
        services.rate_goal(user, goal, level, at=when(days_ago, 19))


def add_values(client, texts, at) -> list:
    return [services.add_value(client.user, client, text, at=at) for text in texts]


def sam(client, when):
    sam, maya = client.user, client.counselor
    health, kids, work = add_values(
        client, ["Health", "Being there for my kids", "Doing work I am proud of"], when(152)
    )
    run = services.propose_goal(
        sam,
        client,
        "Start exercising again",
        "I feel better when I move",
        [health.pk],
        at=when(150, 11),
    )
    run = edit(
        maya,
        run,
        when(150, 11, 40),
        text="Get back to running three mornings a week",
        why="I feel better, and sleep better, when I move",
    )
    agree(sam, run, when(149, 20))
    scale(
        maya,
        run,
        [
            "No runs in the week",
            "One run a week",
            "Two runs most weeks",
            "Three runs most weeks",
            "Three runs every week, and a longer one at the weekend",
        ],
        when(143, 11),
    )
    agree(sam, run, when(142, 21))
    rate(
        sam,
        run,
        [
            (142, -2),
            (128, -1),
            (114, -1),
            (100, 0),
            (86, 0),
            (72, 0),
            (58, 1),
            (44, 1),
            (30, 1),
            (9, 2),
        ],
        when,
    )
    rate(
        maya,
        run,
        [
            (143, -2),
            (129, -1),
            (115, 0),
            (101, 0),
            (87, 0),
            (73, 1),
            (59, 1),
            (45, 1),
            (31, 1),
            (10, 1),
        ],
        when,
    )

    sleep = services.propose_goal(
        maya,
        client,
        "Be asleep by midnight on weeknights",
        "Mornings with the kids go better after a proper night",
        [health.pk, kids.pk],
        at=when(136, 11),
    )
    agree(sam, sleep, when(135, 21))
    scale(
        sam,
        sleep,
        [
            "Past 1am most nights",
            "Before midnight once or twice a week",
            "Before midnight three weeknights",
            "Before midnight four weeknights",
            "Before midnight every weeknight",
        ],
        when(122, 21),
    )
    agree(maya, sleep, when(121, 11))
    rate(sam, sleep, [(121, -1), (93, -1), (65, 0), (37, 1), (9, 1)], when)
    rate(maya, sleep, [(122, -1), (94, 0), (66, 0), (38, 0), (10, 1)], when)

    job = services.propose_goal(
        sam, client, "Find a new job", "I dread Mondays", [work.pk], at=when(150, 12)
    )
    agree(maya, job, when(150, 12, 10))
    job = fresh(job)
    services.request_revisit(
        sam, job, "The team changed in the spring and I like it more now.", at=when(60, 20)
    )
    services.propose_closure(
        sam,
        fresh(job),
        "retired",
        "The new manager made a real difference; I want to stay.",
        fresh(job).version,
        at=when(59, 11),
    )
    services.answer_closure(
        maya, fresh(job), True, "Agreed: it was the team, not the work.", at=when(59, 11, 20)
    )


def priya(client, when):
    priya, maya = client.user, client.counselor
    honesty, friends, learning = add_values(
        client, ["Honesty", "Friendship", "Learning new things"], when(160)
    )
    speak = services.propose_goal(
        priya,
        client,
        "Say one thing in every team meeting",
        "I have ideas and they get lost when I stay quiet",
        [honesty.pk, learning.pk],
        at=when(157, 11),
    )
    agree(maya, speak, when(157, 11, 30))
    scale(
        maya,
        speak,
        [
            "Silent in every meeting",
            "Speak once a month",
            "Speak in most weekly meetings",
            "Speak in every meeting",
            "Lead an item on the agenda",
        ],
        when(150, 11),
    )
    agree(priya, speak, when(149, 19))
    # Ratings are given in order, so each keeps the version of the scale it was given against.
    rate(priya, speak, [(149, -1), (121, -1), (107, 0), (93, -1), (84, -2)], when)
    rate(maya, speak, [(150, -1), (122, 0), (108, 0), (94, 0), (85, 0)], when)
    services.request_revisit(
        priya,
        fresh(speak),
        "Meetings feel like too much right now. Can we look at this goal again?",
        at=when(82, 21),
    )
    edit(
        maya,
        speak,
        when(76, 11),
        text="Say one thing in the small team meeting each week",
        why="I have ideas and they get lost when I stay quiet; the small meeting feels safer",
    )
    agree(priya, speak, when(75, 19))
    rate(priya, speak, [(70, -1), (56, 0), (42, 0), (28, 1), (8, 1)], when)
    rate(maya, speak, [(71, -1), (57, 0), (43, 0), (29, 1), (8, 1)], when)

    friend = services.propose_goal(
        maya,
        client,
        "See a friend outside work every fortnight",
        "Priya said she misses the people she used to see",
        [friends.pk],
        at=when(120, 11),
    )
    agree(priya, friend, when(119, 20))
    scale(
        priya,
        friend,
        [
            "No plans with anyone",
            "One meet-up a month",
            "A meet-up every fortnight",
            "A meet-up most weeks",
            "Organising a group evening",
        ],
        when(112, 20),
        weight=2,
    )
    agree(maya, friend, when(111, 11))
    rate(priya, friend, [(111, -1), (83, -2), (55, 0), (27, 0), (8, 1)], when)
    rate(maya, friend, [(111, -1), (84, -1), (56, 0), (29, 0), (8, 0)], when)


def jordan(client, when):
    jordan, maya = client.user, client.counselor
    (friends, music) = add_values(client, ["Friends", "Music"], when(125))
    see = services.propose_goal(
        maya,
        client,
        "See a friend once a week",
        "Weekends feel empty",
        [friends.pk],
        at=when(122, 11),
    )
    agree(jordan, see, when(121, 22))
    scale(
        maya,
        see,
        [
            "No contact with friends",
            "Messages, but no meeting",
            "Meet a friend once a fortnight",
            "Meet a friend every week",
            "Meet friends twice a week",
        ],
        when(110, 11),
    )
    # Jordan has not agreed to the scale: the goal waits on him.
    rate(maya, see, [(103, 0), (75, -1), (47, -1), (19, -1)], when)
    rate(jordan, see, [(96, -1), (40, -2), (12, -2)], when)
    services.request_revisit(
        jordan,
        fresh(see),
        "I'm not sure this is the right goal right now. Getting out of bed is hard enough.",
        at=when(12, 23),
    )
    services.propose_goal(
        jordan,
        client,
        "Play guitar for ten minutes on bad days",
        "It used to calm me down",
        [music.pk],
        at=when(11, 22),
    )


def alex(client, when):
    alex, tom = client.user, client.counselor
    independence, calm = add_values(client, ["Independence", "Feeling calm"], when(165))
    shop = services.propose_goal(
        alex,
        client,
        "Do the supermarket shop at a busy time",
        "I want to stop planning my week around empty shops",
        [independence.pk],
        at=when(162, 10),
    )
    agree(tom, shop, when(162, 10, 30))
    scale(
        tom,
        shop,
        [
            "Only shop online",
            "Shop when it is nearly empty",
            "Shop on a weekday evening",
            "Shop on a Saturday morning",
            "Shop on a Saturday morning without leaving early",
        ],
        when(155, 10),
    )
    agree(alex, shop, when(154, 18))
    rate(alex, shop, [(154, -2), (126, -1), (98, 0), (70, 1), (42, 2)], when)
    rate(tom, shop, [(155, -2), (127, -1), (99, 0), (71, 1), (43, 1)], when)

    bus = services.propose_goal(
        tom,
        client,
        "Take the bus to work without leaving an hour early",
        "The extra hour eats into my mornings",
        [independence.pk, calm.pk],
        at=when(120, 10),
    )
    bus = edit(alex, bus, when(119, 19), text="Take the bus to work without leaving early")
    agree(tom, bus, when(113, 10))
    scale(
        alex,
        bus,
        [
            "Walk the whole way to avoid the bus",
            "Bus, leaving an hour early",
            "Bus, leaving half an hour early",
            "Bus, leaving at the usual time",
            "Bus at rush hour without thinking about it",
        ],
        when(112, 19),
    )
    agree(tom, bus, when(106, 10))
    rate(alex, bus, [(105, -1), (77, -1), (49, 0), (21, 1), (7, 1)], when)
    rate(tom, bus, [(106, -1), (78, 0), (50, 0), (22, 0), (7, 1)], when)


def robin(client, when):
    robin, tom = client.user, client.counselor
    (family,) = add_values(client, ["Family"], when(150))
    cook = services.propose_goal(
        tom,
        client,
        "Cook dinner at home four nights a week",
        "Takeaways most nights leave me sluggish",
        [],
        at=when(148, 15),
    )
    agree(robin, cook, when(147, 20))
    scale(
        tom,
        cook,
        [
            "Takeaway every night",
            "Cook twice a week",
            "Cook four nights a week",
            "Cook five nights a week",
            "Cook every night and plan the week",
        ],
        when(141, 15),
    )
    agree(robin, cook, when(140, 20))
    rate(robin, cook, [(140, -1), (112, 0), (84, -1), (56, 0), (28, -1), (6, 0)], when)
    rate(tom, cook, [(141, -1), (113, -1), (85, 0), (57, 0), (29, 0), (6, 0)], when)
    services.propose_goal(
        robin,
        client,
        "Call Mum on Sundays",
        "We drifted apart and I miss her",
        [family.pk],
        at=when(5, 19),
    )


def stories(*tellers) -> dict:
    """Each story by the email of the client it is about: `sam` tells sam@riverside.example's."""
    return {f"{teller.__name__}@riverside.example": teller for teller in tellers}


def each_story(clinic, stories: dict) -> list:
    """(client, story) for each of the clinic's clients that has a story, in the stories' order."""
    clients = {
        c.user.email: c
        for c in Client.objects.filter(clinic=clinic).select_related("user", "counselor")
    }
    return [(clients[email], story) for email, story in stories.items() if email in clients]


STORIES = stories(sam, priya, jordan, alex, robin)


@transaction.atomic
def seed_goals(clinic, today: datetime.date | None = None) -> None:
    """Give the demo clinic's clients their values, goals, scales and ratings."""
    when = clock(today or timezone.localdate())
    for client, story in each_story(clinic, STORIES):
        story(client, when)
