"""Start and stop the whole local stack in one process.

    stack = LocalStack(port=8000).start()   # moto, tables, demo data, pump, poller, scheduler, HTTP
    stack.serve_forever()                   # until Ctrl-C
    stack.stop()

Everything runs in threads of this one process, so Ctrl-C leaves nothing behind. moto answers one
request at a time on its own port; set ``DIMOTIS_AWS_ENDPOINT`` to use DynamoDB Local, LocalStack
or AWS instead.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from devstack import taxisnet

STATE_DIR = Path(__file__).resolve().parent.parent / ".devstack"


def state_file(port: int | None = None) -> Path:
    """Where a running stack says how to reach it (``manage.py`` reads it)."""
    return STATE_DIR / (f"state-{port}.json" if port else "state.json")
LOCAL_SESSION_KEY = "local-only-session-key-do-not-use-elsewhere-0123456789"
# With the demo data only: the demo administrators and health officer sign in with the documented
# password alone (no authenticator app). An empty stack (make run DEMO=0) asks MFA of the roles
# production asks it of. A value set in the environment wins.
DEMO_ENVIRONMENT = {"DIMOTIS_STAFF_MFA_ROLES": ""}
POOL_NAME = "dimotis-local-staff"
CLIENT_NAME = "dimotis-local-web"
log = logging.getLogger("devstack")


def base_environment(endpoint: str, port: int, host: str = "localhost") -> dict[str, str]:
    base = f"http://{host}:{port}"
    return {
        "DIMOTIS_STAGE": "local",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "eu-central-1",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "DIMOTIS_PUBLIC_BASE_URL": base,
        "DIMOTIS_SESSION_KEY": LOCAL_SESSION_KEY,
        "TAXISNET_AUTHORIZE_URL": f"{base}{taxisnet.PREFIX}/oauth/authorize",
        "TAXISNET_TOKEN_URL": f"{base}{taxisnet.PREFIX}/oauth/token",
        "TAXISNET_USERINFO_URL": f"{base}{taxisnet.PREFIX}/userinfo?format=xml",
        "TAXISNET_LOGOUT_URL": f"{base}{taxisnet.PREFIX}/logout",
        "TAXISNET_CLIENT_ID": taxisnet.CLIENT_ID,
        "TAXISNET_CLIENT_SECRET": taxisnet.CLIENT_SECRET,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
    }


def provision(endpoint: str) -> dict[str, str]:
    """Create (or find) what is not a table: Cognito pool, client and groups (as infra makes them:
    ``devstack/cognito.py``), SES identity, SQS queues with dead-letter queues (and the SNS topics
    they are subscribed to), KMS key, uploads bucket (with its lifecycle rule). Returns the settings
    they give."""
    from chalicelib.aws import client
    from chalicelib.settings import get_settings
    from chalicelib.sqs_queues import QUEUES
    from devstack.cognito import create_staff_pool

    settings = get_settings()
    env: dict[str, str] = {}
    cognito = client("cognito-idp")
    pools = cognito.list_user_pools(MaxResults=60).get("UserPools", [])
    pool_id = next((p["Id"] for p in pools if p["Name"] == POOL_NAME), None)
    if pool_id is None:
        pool_id, client_id = create_staff_pool(cognito, POOL_NAME, CLIENT_NAME)
    else:
        clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60).get("UserPoolClients", [])
        client_id = next(c["ClientId"] for c in clients if c["ClientName"] == CLIENT_NAME)
    env["COGNITO_USER_POOL_ID"] = pool_id
    env["COGNITO_CLIENT_ID"] = client_id
    env["COGNITO_JWKS_URL"] = f"{endpoint}/{pool_id}/.well-known/jwks.json"

    client("ses").verify_email_identity(EmailAddress=settings.email_sender)

    sqs = client("sqs")
    for spec in QUEUES.values():
        dlq_url = sqs.create_queue(QueueName=f"{settings.table_prefix}{spec.name}-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        url = sqs.create_queue(
            QueueName=f"{settings.table_prefix}{spec.name}",
            Attributes={
                "VisibilityTimeout": str(spec.visibility_timeout),
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn,
                                             "maxReceiveCount": str(spec.max_receive_count)}),
            },
        )["QueueUrl"]
        env[spec.url_env] = url
        if spec.sns_topic:
            _subscribe(url, f"{settings.table_prefix}{spec.sns_topic}", ses_feedback=spec.name == "ses_feedback")

    kms = client("kms")
    alias = "alias/dimotis-local"
    aliases = kms.list_aliases().get("Aliases", [])
    key_id = next((a.get("TargetKeyId") for a in aliases if a["AliasName"] == alias), None)
    if key_id is None:
        key_id = kms.create_key(Description="Dimotis local visit-log key")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    env["DIMOTIS_KMS_KEY_ID"] = key_id

    s3 = client("s3")
    bucket = settings.uploads_bucket
    try:
        s3.head_bucket(Bucket=bucket)
    except Exception:  # noqa: BLE001 - missing bucket
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": settings.region})
    # uploads no request took expire after a day, as in AWS (infra/ makes the same rule)
    from chalicelib.services.requests.photos import INCOMING_RULE

    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [INCOMING_RULE]})
    return env


def _subscribe(queue_url: str, topic_name: str, *, ses_feedback: bool) -> None:
    """The queue subscribed to the SNS topic (as ``infra/`` does); for the SES feedback topic, SES
    publishes the sender domain's bounces and complaints to it (moto: mail to its simulator's
    ``bounce@``/``complaint@simulator.amazonses.com`` addresses)."""
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    sns, sqs = client("sns"), client("sqs")
    topic = sns.create_topic(Name=topic_name)["TopicArn"]
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    subscribed = sns.list_subscriptions_by_topic(TopicArn=topic).get("Subscriptions", [])
    if not any(s.get("Endpoint") == arn for s in subscribed):
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    if ses_feedback:
        domain = get_settings().email_sender.rpartition("@")[2]
        for kind in ("Bounce", "Complaint"):
            client("ses").set_identity_notification_topic(Identity=domain, NotificationType=kind, SnsTopic=topic)


def apply_environment(values: dict[str, str]) -> None:
    os.environ.update(values)
    from chalicelib.aws import reset_clients
    from chalicelib.settings import reset_settings

    reset_settings()
    reset_clients()


class LocalStack:
    def __init__(self, port: int = 8000, host: str = "127.0.0.1", seed: bool = True,
                 endpoint: str | None = None, public_host: str = "localhost"):
        self.port = port
        self.host = host
        self.public_host = public_host
        self.seed = seed
        self.endpoint = endpoint or os.environ.get("DIMOTIS_AWS_ENDPOINT")
        self.moto: Any = None
        self.pump: Any = None
        self.poller: Any = None
        self.scheduler: Any = None
        self.http: Any = None
        self._http_thread: threading.Thread | None = None
        self.url = ""

    def start(self, stopping: threading.Event | None = None) -> LocalStack:
        """Start every part. When ``stopping`` is set meanwhile (Ctrl-C), the start ends at the
        next step with ``KeyboardInterrupt``; ``stop()`` then stops what had started."""
        from werkzeug.serving import make_server

        stopping = stopping or threading.Event()

        def checkpoint() -> None:
            if stopping.is_set():
                raise KeyboardInterrupt

        started = time.time()
        checkpoint()
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        if not self.endpoint:
            from devstack.moto_server import MotoServer

            self.moto = MotoServer().start()
            self.endpoint = self.moto.url
        # bind first, so that the port is known before the settings are
        probe_gateway: list[Any] = []

        def app(environ, start_response):
            return probe_gateway[0](environ, start_response)

        self.http = make_server(self.host, self.port, app, threaded=True)
        self.port = self.http.server_port
        self.url = f"http://{self.public_host}:{self.port}"
        demo = {k: v for k, v in DEMO_ENVIRONMENT.items() if k not in os.environ} if self.seed else {}
        apply_environment({**base_environment(self.endpoint, self.port, self.public_host), **demo})

        from chalicelib.models import create_all_tables, streamed_models

        checkpoint()
        create_all_tables()
        checkpoint()
        apply_environment(provision(self.endpoint))
        self._write_state()
        if self.seed:
            from devstack.demo import seed_all

            seed_all(between=checkpoint)
        checkpoint()

        from app import app as chalice_app
        from chalicelib.services.platform import health
        from chalicelib.sqs_queues import QUEUES
        from devstack.gateway import Gateway
        from devstack.poller import QueuePoller
        from devstack.pump import StreamPump
        from devstack.scheduler import Scheduler

        handlers = chalice_app.handler_map
        tables = [m.Meta.table_name for m in streamed_models()]
        self.pump = StreamPump(tables, lambda _table: handlers["table_stream"],
                               region=os.environ["AWS_REGION"]).start()
        queues = {}
        for spec in QUEUES.values():
            url = os.environ[spec.url_env]
            arn = f"arn:aws:sqs:{os.environ['AWS_REGION']}:123456789012:{url.rsplit('/', 1)[-1]}"
            queues[spec.name] = (url, arn, handlers[spec.function])
        self.poller = QueuePoller(queues, region=os.environ["AWS_REGION"]).start()
        schedules = {
            src.name: (str(src.schedule_expression.to_string()
                           if hasattr(src.schedule_expression, "to_string") else src.schedule_expression),
                       handlers[src.name])
            for src in chalice_app.event_sources
            if type(src).__name__ == "ScheduledEventConfig"
        }
        self.scheduler = Scheduler(schedules).start()
        health.register("stream_pump", self.pump.health)
        health.register("queue_poller", self.poller.health)
        health.register("scheduler", self.scheduler.health)

        probe_gateway.append(Gateway(chalice_app, stack=self))
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._http_thread = threading.Thread(target=self.http.serve_forever, name="http", daemon=True)
        self._http_thread.start()
        checkpoint()
        log.info("local stack ready in %.1fs at %s", time.time() - started, self.url)
        return self

    def _write_state(self) -> None:
        STATE_DIR.mkdir(exist_ok=True)
        from chalicelib.sqs_queues import QUEUES

        keys = ["AWS_ENDPOINT_URL", "COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "COGNITO_JWKS_URL",
                "DIMOTIS_PUBLIC_BASE_URL", "DIMOTIS_KMS_KEY_ID", *(q.url_env for q in QUEUES.values())]
        data = json.dumps({k: os.environ.get(k, "") for k in keys} | {"pid": os.getpid(), "port": self.port})
        for path in (state_file(self.port), state_file()):
            path.write_text(data)

    def streams_report(self) -> dict[str, Any]:
        return {
            "tables": {t: vars(s) for t, s in self.pump.stats.items()},
            "set_aside": list(self.pump.set_aside),
        }

    def serve_forever(self, stopping: threading.Event | None = None) -> None:
        """Serve until ``stopping`` is set (or Ctrl-C, when no event is given)."""
        stopping = stopping or threading.Event()
        try:
            while self._http_thread and self._http_thread.is_alive() and not stopping.is_set():
                stopping.wait(0.5)
        except KeyboardInterrupt:
            pass

    def stop(self, timeout: float = 10) -> None:
        """Stop every part: the loops are all asked at once and given ``timeout`` seconds together
        (each ends after its current step; one still busy is a daemon thread and does not keep the
        process alive), then the HTTP server and moto."""
        from chalicelib.services.platform import health

        started = time.monotonic()
        for name in ("stream_pump", "queue_poller", "scheduler"):
            health.unregister(name)
        loops = [part for part in (self.scheduler, self.poller, self.pump) if part is not None]
        for part in loops:
            part.request_stop()
        for part in loops:
            if not part.join(timeout - (time.monotonic() - started)):
                log.warning("%s still busy after %.0fs; it ends with the process", part.thread_name, timeout)
        if self.http is not None:
            if self._http_thread is not None and self._http_thread.is_alive():
                self.http.shutdown()
            self.http.server_close()
        if self.moto is not None:
            self.moto.stop()
        for path in (state_file(self.port), state_file()):
            try:
                if json.loads(path.read_text()).get("pid") == os.getpid():
                    path.unlink()
            except (OSError, ValueError):
                pass
