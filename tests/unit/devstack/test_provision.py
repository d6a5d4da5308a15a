"""The local stack's provisioning (``devstack/stack.py`` ``provision``): the uploads bucket gets the
lifecycle rule the deployment gives it (uploads no request took expire after a day)."""

from __future__ import annotations

from chalicelib.aws import client
from chalicelib.services.requests.photos import INCOMING_RULE
from chalicelib.settings import get_settings
from devstack.stack import provision


def test_the_uploads_bucket_expires_unattached_uploads_like_aws(aws):
    # WHEN the local stack provisions what is not a table, twice (a restart finds it all there)
    provision("http://localhost:5000")
    provision("http://localhost:5000")
    # THEN the uploads bucket expires incoming/ after a day, with the rule infra/ deploys
    rules = client("s3").get_bucket_lifecycle_configuration(Bucket=get_settings().uploads_bucket)["Rules"]
    assert [(r["ID"], r["Filter"], r["Status"], r["Expiration"]) for r in rules] == [
        (INCOMING_RULE["ID"], {"Prefix": "incoming/"}, "Enabled", {"Days": 1})
    ]
