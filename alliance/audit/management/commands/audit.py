import json
import logging
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from alliance.audit import services
from alliance.audit.refusals import recent

log = logging.getLogger("alliance.audit.checkpoint")


class Command(BaseCommand):
    help = (
        "The audit trail: `alliance audit verify [--checkpoint FILE]` checks it, "
        "`alliance audit checkpoint --out FILE` anchors it outside the database, "
        "`alliance audit refusals` lists refused requests."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check every chain of hashes")
        verify.add_argument(
            "--checkpoint",
            help="a checkpoint file (or a log holding checkpoints): also check that the trail "
            "still holds each event it saw, at the position it saw it",
        )
        checkpoint = sub.add_parser(
            "checkpoint", help="write the position and hash of each chain's newest event"
        )
        checkpoint.add_argument(
            "--out",
            default=None,
            help='a file to (over)write, or "log" for the log '
            "(by default ALLIANCE_AUDIT_CHECKPOINT)",
        )
        checkpoint.add_argument(
            "--every",
            type=int,
            default=None,
            metavar="MINUTES",
            help="keep writing one every MINUTES until stopped",
        )
        refusals = sub.add_parser("refusals", help="refused requests of the last hour")
        refusals.add_argument("--minutes", type=int, default=60)

    def handle(self, *args, action, **options):
        if action == "verify":
            self.verify(options["checkpoint"])
        elif action == "checkpoint":
            self.checkpoint(options["out"] or settings.AUDIT_CHECKPOINT, options["every"])
        else:
            self.refusals(options["minutes"])

    def verify(self, path):
        checkpoints = []
        if path:
            try:
                checkpoints = services.read_checkpoints(Path(path).read_text())
                for checkpoint in checkpoints:
                    services.check_signature(checkpoint)
            except OSError as error:
                self.fail(f"Cannot read the checkpoint {path}: {error.strerror}")
            except services.CheckpointError as error:
                self.fail(f"Checkpoint {path} refused: {error}")
        try:
            count, problem = services.verify_chain(checkpoints)
        except services.CheckpointError as error:
            self.fail(f"Checkpoint {path} refused: {error}")
        if problem:
            self.fail(f"Audit trail broken at {problem}")
        held = f", and it holds every event of {len(checkpoints)} checkpoint(s)" if path else ""
        self.stdout.write(f"Audit trail intact: {count} events checked{held}.")

    def checkpoint(self, out, every):
        if not out:
            raise CommandError("Say where: --out FILE, --out log, or ALLIANCE_AUDIT_CHECKPOINT.")
        if every is not None and every < 1:
            raise CommandError("--every takes a whole number of minutes, at least 1.")
        while True:
            try:
                self.write_checkpoint(out)
            except services.CheckpointError as error:
                raise CommandError(str(error))
            except Exception:
                if every is None:
                    raise
                # A database restarting or a full disk must not end the periodic writer.
                log.exception("Could not write an audit checkpoint; trying again later")
            if every is None:
                return
            time.sleep(every * 60)

    def write_checkpoint(self, out):
        if out == "log":
            checkpoint = services.make_checkpoint()
            log.info("audit checkpoint %s", json.dumps(checkpoint, sort_keys=True))
        else:
            checkpoint = services.write_checkpoint(out)
        newest = sum(chain["position"] for chain in checkpoint["chains"].values())
        self.stdout.write(
            f"Audit checkpoint written to {out}: {len(checkpoint['chains'])} chain(s), "
            f"{newest} events."
        )

    def refusals(self, minutes):
        for refusal in recent(minutes=minutes):
            self.stdout.write(
                f"{refusal.window:%Y-%m-%d %H:%M} {refusal.who} ×{refusal.count} "
                f"{refusal.object_type} {refusal.object_id} ({refusal.asked})"
            )

    def fail(self, message):
        self.stderr.write(message)
        sys.exit(1)
