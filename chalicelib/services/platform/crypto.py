"""Envelope encryption of small secrets (a visitor's contact) with a KMS data key and AES-GCM.

``seal`` asks KMS for a fresh 256-bit data key (``GenerateDataKey`` with the key id from
``DIMOTIS_KMS_KEY_ID``), encrypts with AES-GCM and forgets the plaintext key: what is stored is the
KMS-encrypted data key, the nonce and the ciphertext. ``open_sealed`` asks KMS to decrypt the data
key (only a function whose role may ``kms:Decrypt`` can) and decrypts. The encryption context
(for example ``{"pass_id": ...}``) is bound to both KMS and AES-GCM, so a blob copied onto another
item does not decrypt.

Example::

    sealed = seal(b'{"email": "a@b.gr"}', {"purpose": "visit-contact", "pass_id": "K3F..."})
    open_sealed(sealed, {"purpose": "visit-contact", "pass_id": "K3F..."})  # b'{"email": ...}'

Limitation: one KMS call per seal and per open (no data-key cache): simple to reason about,
and the cost is one request per registration and per notification.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from chalicelib.aws import client
from chalicelib.settings import get_settings

NONCE_BYTES = 12


class CryptoError(Exception):
    """The blob could not be decrypted (wrong context, tampered, or the key is gone)."""


@dataclass(frozen=True)
class Sealed:
    encrypted_key: bytes
    nonce: bytes
    ciphertext: bytes


def associated_data(context: dict[str, str]) -> bytes:
    """The AES-GCM associated data that binds a blob to ``context`` (also for tools that seal
    with a data key of their own, such as ``bench/exposure.py``)."""
    return json.dumps(context, sort_keys=True, separators=(",", ":")).encode()


def seal(plaintext: bytes, context: dict[str, str]) -> Sealed:
    """Encrypt ``plaintext`` under a new KMS data key bound to ``context``."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key_id = get_settings().kms_key_id
    if not key_id:
        raise CryptoError("DIMOTIS_KMS_KEY_ID is not set")
    data_key = client("kms").generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=context)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(data_key["Plaintext"]).encrypt(nonce, plaintext, associated_data(context))
    return Sealed(data_key["CiphertextBlob"], nonce, ciphertext)


def open_sealed(sealed: Sealed, context: dict[str, str]) -> bytes:
    """Decrypt what ``seal`` produced with the same ``context``; ``CryptoError`` otherwise."""
    from botocore.exceptions import ClientError
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        key = client("kms").decrypt(CiphertextBlob=sealed.encrypted_key, EncryptionContext=context)
        return AESGCM(key["Plaintext"]).decrypt(sealed.nonce, sealed.ciphertext, associated_data(context))
    except (ClientError, InvalidTag) as exc:
        raise CryptoError(f"cannot decrypt: {type(exc).__name__}") from None
