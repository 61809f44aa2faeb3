"""Tokens pickled by one package and unpickled by the other.

Run as a script under either package (DJANGO_SETTINGS_MODULE=tests.settings):
``dump PATH`` pickles a fresh access token, a decoded one and a refresh token;
``load PATH`` unpickles such a file and checks each token still works: its
payload, current_time, str() signature and validation.
"""

import pickle
import sys


def dump(path: str) -> None:
    from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

    fresh = AccessToken()
    fresh["user_id"] = "41"
    decoded = AccessToken(str(fresh))
    refresh = RefreshToken()
    refresh["user_id"] = "42"
    with open(path, "wb") as f:
        pickle.dump(
            {
                "tokens": [fresh, decoded, refresh],
                "raw": [str(fresh), str(decoded), str(refresh)],
            },
            f,
        )


def load(path: str) -> None:
    from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

    with open(path, "rb") as f:
        data = pickle.load(f)
    fresh, decoded, refresh = data["tokens"]
    assert type(fresh) is AccessToken and type(refresh) is RefreshToken
    for token, raw in zip(data["tokens"], data["raw"], strict=False):
        assert str(token) == raw, (str(token), raw)
        assert token.current_time.year >= 2024
        assert type(token)(raw)["jti"] == token["jti"]
        token.set_iat()
    assert fresh["user_id"] == "41" and decoded["user_id"] == "41"
    assert refresh.access_token["user_id"] == "42"
    print("loaded", len(data["tokens"]), "tokens")


if __name__ == "__main__":
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, run_syncdb=True)
    {"dump": dump, "load": load}[sys.argv[1]](sys.argv[2])
