from __future__ import annotations

import os

from ..errors import WireTunerError

NAME = "token"
HELP = "mint an access (15 min) or refresh token for the collaboration gateway"


def add_arguments(p) -> None:
    p.add_argument("document", help="document id the token is for")
    p.add_argument("--user", required=True, help="user name (the token's subject)")
    p.add_argument("--role", default="editor", choices=["owner", "editor", "viewer"])
    p.add_argument("--refresh", action="store_true", help="mint a refresh token (7 days) instead of an access token")
    p.add_argument("--ttl", type=float, default=None, help="lifetime in seconds (at most 900 for access tokens)")
    p.add_argument("--secret-file", default=None, help="file holding the signing secret (default: $WIRETUNER_JWT_SECRET)")


def run(args) -> int:
    from ..server.auth import ACCESS_TTL, REFRESH_TTL, TokenAuthority, load_secret

    try:
        authority = TokenAuthority(load_secret(os.environ.get("WIRETUNER_JWT_SECRET"), args.secret_file))
        typ = "refresh" if args.refresh else "access"
        ttl = args.ttl or (REFRESH_TTL if args.refresh else ACCESS_TTL)
        print(authority.mint(args.user, args.document, args.role, ttl=ttl, typ=typ))
    except (OSError, ValueError) as exc:
        raise WireTunerError(f"token: {exc}") from None
    return 0
