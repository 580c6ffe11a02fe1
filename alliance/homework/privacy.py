"""Who sees tasks and task logs: everyone who sees the client's record, through the rule the
homework models share with goals (`ClientRecordQuerySet`)."""

from alliance.accounts.privacy import Audience, DataKind, Sees, register

TASKS = register(
    DataKind(
        key="tasks",
        model="homework.Task",
        title="Your tasks between sessions",
        description=(
            "The tasks you and your counselor agree on, every earlier wording of them, any "
            "request to drop one, and your notes on how each try went and how well the task "
            "fit you. Only you write those notes."
        ),
        sees={Audience.YOU: Sees.ALL, Audience.COUNSELOR: Sees.ALL, Audience.CLINIC: Sees.ALL},
        writers=frozenset({Audience.YOU, Audience.COUNSELOR}),
        parts={
            "homework.TaskVersion": "task__client",
            "homework.TaskDrop": "task__client",
            "homework.TaskLog": "task__client",
        },
        order=18,
    )
)
