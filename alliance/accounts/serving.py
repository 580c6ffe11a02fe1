import os

from gunicorn.app.base import BaseApplication


class AllianceServer(BaseApplication):
    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from alliance.wsgi import application

        return application


def run_gunicorn(host: str, port: int, workers: int | None = None):
    workers = workers or int(os.environ.get("ALLIANCE_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
    AllianceServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "accesslog": "-",
            "forwarded_allow_ips": os.environ.get("ALLIANCE_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        }
    ).run()
