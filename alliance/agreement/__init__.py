"""Records the client and their counselor agree to, version by version: the mechanism goals and
tasks share, written once.

A record is proposed by one side, whose agreement to version 1 comes with it. Every change is a
new version that its writer agrees to by writing it and the other side must agree to again.
Ending the record (closing a goal, dropping a task) takes both sides too: one proposes it with a
note, the other confirms or declines, the proposer may withdraw, and a new version withdraws it
("superseded"), since the proposal was about the wording it replaced.

- `models`: the abstract record, version record and end proposal.
- `services`: the writes, parametrised by the concrete model, and the text cleaning they share.
- `forms`, `views`, `api`, `tags`: what the pages and the API of every kind of record share;
  the shared template partials are under `templates/agreement/`.

A shared mechanism below the domain apps: it knows the client (care) and nothing above it.
"""
