from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "alliance.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from alliance.accounts.two_factor import seal_totp_keys

        seal_totp_keys()
