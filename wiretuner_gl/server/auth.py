"""Short-lived signed tokens (JWT via PyJWT).

Access tokens live at most 15 minutes and name one document and a role in it (owner, editor,
viewer). Refresh tokens (typ "refresh", longer-lived) are exchanged at POST /v1/auth/refresh for a
new access token. The algorithm list is fixed (HS256): "alg: none" and algorithm confusion are
refused by PyJWT before any claim is read. `exp`, `aud`, `iss`, `sub` and `iat` are required.
Tokens are never logged: errors name the problem, never the token.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

ALGORITHMS = ["HS256"]
AUDIENCE = "wiretuner-gateway"
ISSUER = "wiretuner"
ACCESS_TTL = 15 * 60
REFRESH_TTL = 7 * 24 * 3600
LEEWAY = 5  # seconds of clock skew tolerated
ROLES = ("owner", "editor", "viewer")
EDIT_ROLES = frozenset({"owner", "editor"})


class AuthError(Exception):
    """A token was refused; the message says why (and never contains the token)."""


@dataclass(frozen=True)
class Identity:
    user: str
    document: str
    role: str
    expires: float

    @property
    def can_edit(self) -> bool:
        return self.role in EDIT_ROLES


class TokenAuthority:
    def __init__(self, secret: str | bytes, *, audience: str = AUDIENCE, issuer: str = ISSUER):
        if not secret or len(secret) < 32:
            raise ValueError("the token secret must be at least 32 characters")
        self._secret = secret
        self.audience, self.issuer = audience, issuer

    def __repr__(self) -> str:  # never show the secret
        return f"TokenAuthority(aud={self.audience!r}, iss={self.issuer!r})"

    def mint(self, user: str, document: str, role: str, *, ttl: float = ACCESS_TTL, typ: str = "access",
             now: float | None = None) -> str:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
        limit = ACCESS_TTL if typ == "access" else REFRESH_TTL
        if not 0 < ttl <= limit:
            raise ValueError(f"{typ} tokens live at most {limit} s")
        now = time.time() if now is None else now
        claims = {"sub": user, "doc": document, "role": role, "typ": typ, "aud": self.audience, "iss": self.issuer,
                  "iat": int(now), "exp": int(now + ttl)}
        return jwt.encode(claims, self._secret, algorithm=ALGORITHMS[0])

    def verify(self, token, *, typ: str = "access") -> Identity:
        if not isinstance(token, str) or not token or len(token) > 4096:
            raise AuthError("token missing or malformed")
        try:
            claims = jwt.decode(token, self._secret, algorithms=ALGORITHMS, audience=self.audience, issuer=self.issuer,
                                leeway=LEEWAY, options={"require": ["exp", "aud", "iss", "sub", "iat"]})
        except jwt.ExpiredSignatureError:
            raise AuthError("token expired") from None
        except jwt.InvalidAudienceError:
            raise AuthError("token is for another audience") from None
        except jwt.InvalidIssuerError:
            raise AuthError("token has the wrong issuer") from None
        except jwt.InvalidAlgorithmError:
            raise AuthError("token algorithm not allowed") from None
        except jwt.InvalidSignatureError:
            raise AuthError("token signature invalid") from None
        except jwt.MissingRequiredClaimError as exc:
            raise AuthError(f"token lacks the {exc.claim!r} claim") from None
        except jwt.InvalidTokenError as exc:
            raise AuthError(f"token invalid ({type(exc).__name__})") from None
        if claims.get("typ", "access") != typ:
            raise AuthError(f"not an {typ} token")
        limit = ACCESS_TTL if typ == "access" else REFRESH_TTL
        if claims["exp"] - claims["iat"] > limit + LEEWAY:
            raise AuthError(f"token lifetime exceeds {limit} s")
        role, doc, sub = claims.get("role"), claims.get("doc"), claims.get("sub")
        if role not in ROLES or not isinstance(doc, str) or not isinstance(sub, str):
            raise AuthError("token lacks a valid document, role or subject")
        return Identity(sub, doc, role, float(claims["exp"]))

    def refresh(self, refresh_token: str) -> str:
        """A fresh access token for the same user, document and role."""
        ident = self.verify(refresh_token, typ="refresh")
        return self.mint(ident.user, ident.document, ident.role)


def load_secret(env_value: str | None, file_path: str | None) -> str:
    if file_path:
        with open(file_path, encoding="utf-8") as f:
            return f.read().strip()
    if env_value:
        return env_value
    raise ValueError("no token secret: set WIRETUNER_JWT_SECRET or pass --secret-file")
