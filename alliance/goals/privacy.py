"""Who sees goals and values: everyone who sees the client's record, through the rule every
goals model shares (`ClientRecordQuerySet`). Only the client and their counselor write them,
and only the client writes their values."""

from alliance.accounts.privacy import Audience, DataKind, Sees, register

EVERYONE = {Audience.YOU: Sees.ALL, Audience.COUNSELOR: Sees.ALL, Audience.CLINIC: Sees.ALL}

GOALS = register(
    DataKind(
        key="goals",
        model="goals.Goal",
        title="Your goals",
        description=(
            "The goals you and your counselor set together, every earlier wording of them, "
            "the scale of what reaching each one looks like, how each of you rates it over "
            "time, and any request to talk a goal over or to close it."
        ),
        sees=EVERYONE,
        writers=frozenset({Audience.YOU, Audience.COUNSELOR}),
        parts={
            "goals.GoalVersion": "goal__client",
            "goals.ScaleLevel": "goal__client",
            "goals.Rating": "goal__client",
            "goals.Revisit": "goal__client",
            "goals.Closure": "goal__client",
        },
        order=16,
    )
)

VALUES = register(
    DataKind(
        key="values",
        model="goals.Value",
        title="What matters to you",
        description="Your short list of values, which your goals can be tied to.",
        sees=EVERYONE,
        writers=frozenset({Audience.YOU}),
        order=17,
    )
)
