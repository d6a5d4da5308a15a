"""Photos (``services/requests/photos.py``): uploads land under ``incoming/`` (which the bucket's
lifecycle rule empties after a day); a request that takes a photo moves it to the kept prefix, its
links follow the kept key, and a request that is not stored leaves nothing kept behind."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from chalicelib.aws import client as aws_client
from chalicelib.errors import Conflict, NotFound
from chalicelib.services.requests import photos, submission, views
from chalicelib.settings import get_settings
from tests.unit.requests.helpers import ATHENS

MARIA = SimpleNamespace(taxid="123456789", name="Μαρία")
JPEG = b"\xff\xd8" + b"0" * 500


@pytest.fixture
def bucket(aws):
    s3 = aws_client("s3")
    name = get_settings().uploads_bucket
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": get_settings().region})
    return name


def upload(bucket: str, taxid: str = MARIA.taxid) -> str:
    """What the browser does with the upload form: a JPEG under the key the form allows."""
    key = photos.upload_form("citizen", taxid, "image/jpeg")["key"]
    aws_client("s3").put_object(Bucket=bucket, Key=key, Body=JPEG, ContentType="image/jpeg")
    return key


def keys_in(bucket: str) -> set[str]:
    return {o["Key"] for o in aws_client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])}


def pothole(*keys: str) -> dict:
    return {
        "type_code": "pothole",
        "attributes": {"SIZE": "small"},
        "lat": ATHENS[0],
        "lon": ATHENS[1],
        "photos": list(keys),
    }


def test_an_upload_lands_under_incoming_in_its_owners_prefix(bucket):
    # WHEN Maria asks for an upload form
    form = photos.upload_form("citizen", MARIA.taxid, "image/png")
    # THEN the key is under incoming/ and her own prefix, and the policy pins it
    assert form["key"].startswith(photos.INCOMING_PREFIX + photos.owner_prefix("citizen", MARIA.taxid))
    assert form["key"].endswith(".png")
    # AND the incoming prefix is the one the lifecycle rule expires after a day
    assert photos.INCOMING_RULE["Filter"] == {"Prefix": photos.INCOMING_PREFIX}
    assert photos.INCOMING_RULE["Expiration"] == {"Days": 1}


def test_submitting_moves_the_photo_to_the_kept_prefix_and_links_follow_it(catalogue, bucket):
    # GIVEN a photo Maria uploaded
    incoming = upload(bucket)
    # WHEN she files a pothole with it
    req = submission.submit_for_citizen(MARIA, pothole(incoming))
    # THEN the request keeps the photo's kept key, which holds the photo; the upload is gone
    kept = photos.kept_key(incoming)
    assert req.photos == [kept] and not kept.startswith(photos.INCOMING_PREFIX)
    assert keys_in(bucket) == {kept}
    head = aws_client("s3").head_object(Bucket=bucket, Key=kept)
    assert head["ContentType"] == "image/jpeg" and head["ContentLength"] == len(JPEG)
    # AND the link she is shown points at the kept object
    [url] = views.citizen_detail(req)["photo_urls"]
    assert f"/{kept}?" in url
    # AND the same upload cannot be attached again (it does not seem to exist any more)
    with pytest.raises(NotFound) as again:
        submission.submit_for_citizen(MARIA, pothole(incoming))
    assert again.value.code == "photo_not_found"


def test_a_submission_that_is_not_stored_leaves_no_kept_copy_and_can_be_retried(
    catalogue, bucket, monkeypatch
):
    # GIVEN an upload, and a store that fails once (the year's counter busy)
    incoming = upload(bucket)
    real = submission._number_and_put
    failures = iter([Conflict("busy", code="busy")])

    def busy_once(req, entry):
        for exc in failures:
            raise exc
        return real(req, entry)

    monkeypatch.setattr(submission, "_number_and_put", busy_once)
    # WHEN the submission fails
    with pytest.raises(Conflict):
        submission.submit_for_citizen(MARIA, pothole(incoming))
    # THEN the copy was taken back and the upload is still there
    assert keys_in(bucket) == {incoming}
    # WHEN she submits again THEN it goes through with the photo kept
    req = submission.submit_for_citizen(MARIA, pothole(incoming))
    assert keys_in(bucket) == {photos.kept_key(incoming)} and req.photos == [photos.kept_key(incoming)]


def test_a_kept_photo_found_in_place_is_used_and_never_taken_back(catalogue, bucket, monkeypatch):
    # GIVEN an upload whose kept copy exists already (an attempt died before storing its request)
    incoming = upload(bucket)
    kept = photos.kept_key(incoming)
    aws_client("s3").copy_object(Bucket=bucket, Key=kept, CopySource={"Bucket": bucket, "Key": incoming})
    monkeypatch.setattr(
        submission, "_number_and_put", lambda req, entry: (_ for _ in ()).throw(Conflict("busy", code="busy"))
    )
    # WHEN a submission with it fails
    with pytest.raises(Conflict):
        submission.submit_for_citizen(MARIA, pothole(incoming))
    # THEN the kept copy it did not make is still there (a request may name it)
    assert keys_in(bucket) == {incoming, kept}


def test_someone_elses_upload_is_refused_as_if_it_did_not_exist(catalogue, bucket):
    # GIVEN Giannis's upload
    theirs = upload(bucket, taxid="987654321")
    # WHEN Maria names it, or its kept key, in her request
    for key in (theirs, photos.kept_key(theirs)):
        with pytest.raises(NotFound) as refused:
            submission.submit_for_citizen(MARIA, pothole(key))
        assert refused.value.code == "photo_not_found"
    # THEN nothing moved
    assert keys_in(bucket) == {theirs}


def test_staff_on_behalf_attach_their_own_uploads(catalogue, bucket):
    # GIVEN a photo a clerk uploaded
    form = photos.upload_form("staff", "clerk.roads", "image/jpeg")
    aws_client("s3").put_object(Bucket=bucket, Key=form["key"], Body=JPEG, ContentType="image/jpeg")
    clerk = SimpleNamespace(username="clerk.roads", name="Clerk", roles=("clerk",), department_id="roads")
    # WHEN the clerk takes a request by phone with it
    body = {**pothole(form["key"]), "channel": "phone", "citizen": {"name": "Κώστας"}}
    req = submission.submit_on_behalf(clerk, body)
    # THEN the photo is kept under the clerk's prefix and the upload is gone
    assert req.photos == [photos.kept_key(form["key"])]
    assert req.photos[0].startswith(photos.owner_prefix("staff", "clerk.roads"))
    assert keys_in(bucket) == set(req.photos)
