from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class MeasuresConfig(AppConfig):
    name = "alliance.measures"
    label = "measures"
    verbose_name = "Check-ins and measures"

    def ready(self):
        # A broken definition must stop the server at start-up, naming the file and field,
        # rather than fail later on a client's phone in the middle of a check-in.
        from alliance.measures.instruments import check_definitions
        from alliance.psychometrics import InstrumentError

        try:
            check_definitions()
        except InstrumentError as error:
            raise ImproperlyConfigured(f"Instrument definition is broken: {error}") from error

        # Says on the client's "Who sees my data" page who sees check-ins.
        from alliance.measures import privacy  # noqa: F401
