import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alliance.accounts.models import Clinic
from alliance.interop.fhir.bulk import CHUNK, export_clinic


class Command(BaseCommand):
    help = (
        "Export a clinic's records: `alliance export fhir --clinic NAME --out DIR` writes one "
        "FHIR Bulk Data NDJSON file per resource type."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="format", required=True)
        fhir = sub.add_parser("fhir", help="FHIR R4B Bulk Data (NDJSON, one file per type)")
        fhir.add_argument("--clinic", required=True, help="the clinic's name, exactly")
        fhir.add_argument("--out", required=True, help="directory for the files")
        fhir.add_argument("--chunk-size", type=int, default=CHUNK, help="rows read at a time")

    def handle(self, *args, format, clinic, out, chunk_size, **options):
        found = Clinic.objects.filter(name=clinic).first()
        if found is None:
            raise CommandError(f"No clinic named {clinic!r}.")
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        out = Path(out)
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} exists and is not a directory.")
        started = time.perf_counter()
        written = export_clinic(found, out, chunk_size=chunk_size)
        seconds = time.perf_counter() - started
        counts = ", ".join(f"{count} {kind}" for kind, count in written.counts.items() if count)
        self.stdout.write(
            f"Exported {found.name}: {written.total} resources ({counts or 'none'}) "
            f"to {out} in {seconds:.1f} s."
        )
