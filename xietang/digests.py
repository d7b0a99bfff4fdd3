"""Keyed digests of personal values, for "one per mobile" rules without keeping the number."""

from django.utils.crypto import salted_hmac


def mobile_digest(mobile: str) -> str:
    # Keyed with SECRET_KEY, so the digest cannot be reversed by hashing all 10^11 numbers
    # without the key; the salt keeps it distinct from other uses of the key.
    return salted_hmac("xietang.mobile", mobile.strip(), algorithm="sha256").hexdigest()
