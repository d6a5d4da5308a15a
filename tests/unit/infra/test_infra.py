"""infra/: the CDK app synthesises offline (Chalice packaged from the local wheelhouse, no AWS
account), defines what the code needs, and passes cfn-lint with zero errors.

One synth for all the infra tests (``conftest.py``); every assertion reads the synthesised templates.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.services.platform import staff_pool
from chalicelib.services.platform.stream_router import CONSUMERS
from tests.unit.infra.conftest import PREFIX, RESTORED_KEY, RESTORED_NAME
from tests.unit.infra.templates import as_list, resources, role_of, role_statements, table_ids

pytestmark = pytest.mark.xdist_group("infra")

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def queue_id_of(template, destination):
    assert "Fn::GetAtt" in destination, destination
    logical, attribute = destination["Fn::GetAtt"]
    assert attribute == "Arn"
    assert template["Resources"][logical]["Type"] == "AWS::SQS::Queue"
    return logical


def alarmed_queues(template):
    found = set()
    for alarm in resources(template, "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if props.get("Namespace") == "AWS/SQS" and props.get("AlarmActions"):
            for dim in props.get("Dimensions", []):
                if dim["Name"] == "QueueName":
                    found.add(dim["Value"]["Fn::GetAtt"][0])
    return found


def test_the_functions_code_carries_its_bytecode(synth):
    """Lambda cannot write ``__pycache__``: the package holds CPython 3.11 bytecode (unchecked-hash)
    for the app, every chalicelib module and the dependencies, or every cold start compiles them."""
    import zipfile

    from tests.unit.infra.test_packaging import assert_unchecked_pyc

    # GIVEN the code asset of the Chalice functions in the cloud assembly
    assembly = synth["path"].parent
    [package] = [p for p in assembly.glob("asset.*.zip") if "app.py" in zipfile.ZipFile(p).namelist()]
    with zipfile.ZipFile(package) as zipped:
        names = set(zipped.namelist())
        chalicelib = sorted(n for n in names if n.startswith("chalicelib/") and n.endswith(".py"))
        assert chalicelib
        # THEN each module has its bytecode, made from the source that is in the package
        for name in ["app.py", *chalicelib, "botocore/session.py", "pynamodb/models.py"]:
            assert_unchecked_pyc(zipped, name)


def test_synth_leaves_the_process_environment_as_it_found_it(synth):
    """Chalice copies the stage's variables (CDK tokens) into os.environ; later tests and the local
    stack started from this process would otherwise read a token as a bucket name."""
    assert synth["environ_changed"] == set()


def test_every_model_table_has_its_pitr_stream_ttl_and_indexes(synth):
    from dimotis_infra.code import table_specs

    # THEN each model's table exists, on demand, with PITR unless the model opts out, its stream,
    # TTL and indexes (but the one restored from PITR, which the stack does not create)
    template = synth["template"]
    tables = {
        v["Properties"]["TableName"]: v["Properties"]
        for v in resources(template, "AWS::DynamoDB::Table").values()
    }
    specs = [s for s in table_specs() if s.key != RESTORED_KEY]
    assert specs, "no models found"
    assert f"{PREFIX}{RESTORED_KEY}" not in tables and RESTORED_NAME not in tables
    for spec in specs:
        props = tables[f"{PREFIX}{spec.key}"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        pitr = props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]
        assert pitr is spec.point_in_time_recovery, spec.key
        if spec.stream_view:
            assert props["StreamSpecification"]["StreamViewType"] == spec.stream_view
        else:
            assert "StreamSpecification" not in props
        keys = {k["KeyType"]: k["AttributeName"] for k in props["KeySchema"]}
        assert keys["HASH"] == spec.hash_key.name
        if spec.ttl_attribute:
            assert props["TimeToLiveSpecification"] == {"AttributeName": spec.ttl_attribute, "Enabled": True}
        gsis = {g["IndexName"] for g in props.get("GlobalSecondaryIndexes", [])}
        assert gsis == {i.name for i in spec.indexes if not i.local}


def test_every_table_stream_goes_to_table_stream_with_partial_failure(synth):
    # THEN every table's stream is mapped to the router with the poison-record settings
    template = synth["template"]
    by_table = {}
    for mapping in resources(template, "AWS::Lambda::EventSourceMapping").values():
        props = mapping["Properties"]
        source = props["EventSourceArn"]
        if isinstance(source, dict) and source.get("Fn::GetAtt", [None, None])[1] in (
            "StreamArn",
            "Table.LatestStreamArn",
        ):
            by_table[source["Fn::GetAtt"][0]] = props
    alarmed = alarmed_queues(template)
    streamed = {
        k
        for k, v in resources(template, "AWS::DynamoDB::Table").items()
        if "StreamSpecification" in v["Properties"]
    }
    assert streamed
    # AND exactly the tables a stream consumer reads have a stream, each with one mapping (the
    # restored table's stream, which the stack turns on, is read from DescribeTable)
    ids = table_ids(template)
    assert streamed == {ids[f"{PREFIX}{key}"] for key in CONSUMERS if key != RESTORED_KEY}
    [described] = [k for k in by_table if k.startswith("RestoredExposureIncidentsDescribe")]
    assert by_table.pop(described)["FunctionName"] == {"Ref": "TableStream"}
    assert set(by_table) == streamed
    for name, logical in ids.items():
        if logical not in streamed:
            continue
        props = by_table.get(logical)
        assert props is not None, f"stream of {name} is not mapped"
        assert props["FunctionName"] == {"Ref": "TableStream"}
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert props["BisectBatchOnFunctionError"] is True
        assert 0 < props["MaximumRetryAttempts"] <= 10
        assert 0 < props["MaximumRecordAgeInSeconds"] <= 7 * 86400
        assert props["StartingPosition"] == "TRIM_HORIZON"
        failures = queue_id_of(template, props["DestinationConfig"]["OnFailure"]["Destination"])
        assert failures in alarmed, "the on-failure queue has no depth alarm"


def test_every_code_queue_has_dlq_alarm_and_partial_failure_mapping(synth):
    from dimotis_infra.code import queue_specs

    template = synth["template"]
    queues = resources(template, "AWS::SQS::Queue")
    by_name = {v["Properties"].get("QueueName"): k for k, v in queues.items()}
    mappings = {
        m["Properties"]["EventSourceArn"]["Fn::GetAtt"][0]: m["Properties"]
        for m in resources(template, "AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["EventSourceArn"]["Fn::GetAtt"][1] == "Arn"
    }
    specs = queue_specs() or [synth["probe"]]
    alarmed = alarmed_queues(template)
    for spec in specs:
        logical = by_name[f"{PREFIX}{spec.name}"]
        redrive = queues[logical]["Properties"]["RedrivePolicy"]
        assert redrive["maxReceiveCount"] == spec.max_receive_count
        dlq = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert dlq == by_name[f"{PREFIX}{spec.name}-dlq"]
        assert dlq in alarmed
        mapping = mappings[logical]
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["BatchSize"] == spec.batch_size
        # AND the consumer is capped by the mapping (the context's value, or the queue's own lower one)
        own = getattr(spec, "max_concurrency", None)
        assert mapping["ScalingConfig"]["MaximumConcurrency"] == (max(2, min(4, own)) if own else 4)


def test_append_only_tables_deny_update_and_delete_to_every_role_that_reaches_them(synth):
    from dimotis_infra.code import function_specs, table_specs

    template = synth["template"]
    ids = table_ids(template)
    append_only = [s.key for s in table_specs() if s.append_only]
    assert "audit" in append_only
    for spec in function_specs():
        statements = role_statements(template, role_of(template, spec.resource))
        for key in append_only:
            arn = {"Fn::GetAtt": [ids[f"{PREFIX}{key}"], "Arn"]}
            if not any(arn in as_list(s["Resource"]) for s in statements if s["Effect"] == "Allow"):
                continue
            deny = next(s for s in statements if s["Effect"] == "Deny" and arn in as_list(s["Resource"]))
            actions = set(as_list(deny["Action"]))
            assert {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"} <= actions


def test_every_role_is_scoped(synth):
    from dimotis_infra.code import function_specs

    template = synth["template"]
    for spec in function_specs():
        statements = role_statements(template, role_of(template, spec.resource))
        allows = [s for s in statements if s["Effect"] == "Allow"]
        wildcard = {a for s in allows if "*" in as_list(s["Resource"]) for a in as_list(s["Action"])}
        # only what AWS cannot scope: X-Ray, listing streams or tables, SMS to phone numbers
        assert wildcard <= {
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "dynamodb:ListStreams",
            "dynamodb:ListTables",
            "sns:Publish",
        }, spec.name
        assert not any(a.endswith(":*") or a == "*" for s in allows for a in as_list(s["Action"])), spec.name


def test_functions_environment_tracing_and_schedules(synth):
    from dimotis_infra.code import function_specs, queue_specs

    template = synth["template"]
    functions = resources(template, "AWS::Serverless::Function")
    queues = {v["Properties"].get("QueueName"): k for k, v in resources(template, "AWS::SQS::Queue").items()}
    specs = function_specs()
    assert {s.resource for s in specs} <= set(functions)
    # the outbox (stream -> sender), SES feedback and fan-out queues' URL settings
    assert {"DIMOTIS_OUTBOX_QUEUE_URL", "DIMOTIS_SES_FEEDBACK_QUEUE_URL", "DIMOTIS_FANOUT_QUEUE_URL"} <= {
        q.url_env for q in queue_specs()
    }
    for spec in specs:
        props = functions[spec.resource]["Properties"]
        assert props["Tracing"] == "Active"
        env = props["Environment"]["Variables"]
        assert env["DIMOTIS_TABLE_PREFIX"] == PREFIX
        assert env["DIMOTIS_TABLE_NAMES"] == f"{RESTORED_KEY}={RESTORED_NAME}"
        assert env["DIMOTIS_STAGE"] == "prod"
        for key in (
            "DIMOTIS_SESSION_KEY_SECRET",
            "TAXISNET_SECRET_NAME",
            "COGNITO_USER_POOL_ID",
            "COGNITO_CLIENT_ID",
            "DIMOTIS_KMS_KEY_ID",
            "DIMOTIS_UPLOADS_BUCKET",
        ):
            assert env[key], key
        for queue in queue_specs():
            assert env[queue.url_env] == {"Ref": queues[f"{PREFIX}{queue.name}"]}, (spec.name, queue.url_env)
        if spec.kind == "schedule":
            events = props.get("Events", {}).values()
            assert any(
                e["Type"] == "Schedule" and e["Properties"]["Schedule"] == spec.schedule for e in events
            ), spec.name


def test_api_throttling_detailed_metrics_off_and_kms_rotation(synth):
    template = synth["template"]
    settings = template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    assert settings == [
        {
            "ResourcePath": "/*",
            "HttpMethod": "*",
            "ThrottlingRateLimit": 40,
            "ThrottlingBurstLimit": 80,
            "MetricsEnabled": False,  # api_detailed_metrics: off by default
        }
    ]
    assert template["Resources"]["RestAPI"]["Properties"]["Name"] == f"{PREFIX}api"
    keys = resources(template, "AWS::KMS::Key")
    assert keys and all(k["Properties"]["EnableKeyRotation"] is True for k in keys.values())


def test_cognito_pool_groups_and_client(synth):
    template = synth["template"]
    pool = next(iter(resources(template, "AWS::Cognito::UserPool").values()))["Properties"]
    assert any(a["Name"] == "department" for a in pool["Schema"])
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    groups = {
        g["Properties"]["GroupName"] for g in resources(template, "AWS::Cognito::UserPoolGroup").values()
    }
    assert groups == {"admin", "manager", "clerk", "health_officer"}
    client = next(iter(resources(template, "AWS::Cognito::UserPoolClient").values()))["Properties"]
    assert set(client["ExplicitAuthFlows"]) == {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}


def test_the_staff_pool_is_the_one_the_local_stack_makes(synth):
    # GIVEN the pool of the template and the description the local stack makes its pool from
    template = synth["template"]
    pool = next(iter(resources(template, "AWS::Cognito::UserPool").values()))["Properties"]
    client = next(iter(resources(template, "AWS::Cognito::UserPoolClient").values()))["Properties"]
    # THEN optional TOTP only (the app requires it of some roles), the same policy and e-mails
    assert pool["MfaConfiguration"] == staff_pool.MFA_CONFIGURATION == "OPTIONAL"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["Policies"]["PasswordPolicy"] == staff_pool.PASSWORD_POLICY
    invite = pool["AdminCreateUserConfig"]["InviteMessageTemplate"]
    assert (invite["EmailSubject"], invite["EmailMessage"]) == (staff_pool.INVITATION_SUBJECT, staff_pool.INVITATION_BODY)
    assert pool["VerificationMessageTemplate"]["EmailMessage"] == staff_pool.RESET_BODY
    assert pool["AccountRecoverySetting"]["RecoveryMechanisms"] == [{"Name": "verified_email", "Priority": 1}]
    # AND the client hides whether a user exists, and gives a sign-in step the time the app allows
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["AuthSessionValidity"] == staff_pool.AUTH_SESSION_MINUTES


def test_cloudfront_sends_api_and_open311_to_api_gateway_uncached(synth):
    template = synth["template"]
    config = next(iter(resources(template, "AWS::CloudFront::Distribution").values()))["Properties"][
        "DistributionConfig"
    ]
    behaviours = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    origins = {o["Id"]: o for o in config["Origins"]}
    for pattern in ("/api/*", "/open311/*"):
        behaviour = behaviours[pattern]
        assert behaviour["CachePolicyId"] == CACHING_DISABLED
        assert behaviour["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
        assert "POST" in behaviour["AllowedMethods"]
        origin = origins[behaviour["TargetOriginId"]]
        assert origin["OriginPath"] == "/api"
        assert "RestAPI" in json.dumps(origin["DomainName"])
    default = config["DefaultCacheBehavior"]
    assert default["FunctionAssociations"][0]["EventType"] == "viewer-request"
    assert "S3OriginConfig" in origins[default["TargetOriginId"]]


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("/", "/site/index.html"),
        ("/board/sp-1", "/site/board.html"),
        ("/ticket/abc", "/site/ticket.html"),
        ("/appointments.html", "/site/appointments.html"),
        ("/admin/", "/admin/index.html"),
        ("/vendor/leaflet/dist/leaflet.js", "/vendor/leaflet/dist/leaflet.js"),
        ("/vendor/axe-core/axe.min.js", 404),
        ("/vendor/leaflet/package.json", 404),
        ("/admin", 301),
    ],
)
def test_cloudfront_function_maps_urls_as_the_local_gateway(uri, expected):
    from dimotis_infra.static import viewer_request_function

    # GIVEN the CloudFront Function's source WHEN node runs it on a viewer request
    script = viewer_request_function() + (
        f"\nvar out = handler({{request: {{uri: {json.dumps(uri)}, headers: {{}}}}}});"
        "\nconsole.log(JSON.stringify(out.statusCode ? out.statusCode : out.uri));"
    )
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout
    # THEN the key (or status) is what devstack/gateway.py serves
    assert json.loads(out) == expected


def test_config_refuses_bad_parameters():
    from dimotis_infra.config import DeploymentConfig

    with pytest.raises(ValueError):
        DeploymentConfig("Palaio Faliro", "prod", "x.gr", "x.gr", "PF")
    with pytest.raises(ValueError):
        DeploymentConfig("pf", "prod", "x.gr", "x.gr", "TOO-LONG-SENDER-ID")
    assert DeploymentConfig("pf", "prod", "x.gr", "x.gr", "PF").email_sender == "no-reply@x.gr"


@pytest.mark.parametrize("which", ["path", "edge_path"])
def test_templates_pass_cfn_lint(synth, which):
    # cfn-lint exit status is a bit mask: 2 = errors, 4 = warnings, 8 = informational
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run([str(cfn_lint), str(synth[which])], capture_output=True, text=True)
    assert result.returncode & 2 == 0 and result.returncode & 1 == 0, result.stdout + result.stderr


def test_ses_bounces_and_complaints_reach_the_feedback_queue_through_its_topic(synth):
    from dimotis_infra.code import queue_specs

    # GIVEN the synthesised stack and the code's queues
    template = synth["template"]
    queues = {v["Properties"].get("QueueName"): k for k, v in resources(template, "AWS::SQS::Queue").items()}
    topics = {v["Properties"].get("TopicName"): k for k, v in resources(template, "AWS::SNS::Topic").items()}
    [spec] = [s for s in queue_specs() if s.name == "ses_feedback"]
    topic, queue = topics[f"{PREFIX}{spec.sns_topic}"], queues[f"{PREFIX}ses_feedback"]
    # THEN the queue is subscribed to the topic in the SNS envelope (the handler unwraps it)
    [subscription] = [
        s["Properties"] for s in resources(template, "AWS::SNS::Subscription").values()
        if s["Properties"]["TopicArn"] == {"Ref": topic}
    ]
    assert subscription["Protocol"] == "sqs"
    assert subscription["Endpoint"] == {"Fn::GetAtt": [queue, "Arn"]}
    assert not subscription.get("RawMessageDelivery")
    # AND the queue lets that topic, and only it, send to it
    [policy] = [
        p["Properties"] for p in resources(template, "AWS::SQS::QueuePolicy").values()
        if {"Ref": queue} in p["Properties"]["Queues"]
    ]
    [allow] = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert allow["Action"] == "sqs:SendMessage" and allow["Principal"] == {"Service": "sns.amazonaws.com"}
    assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Ref": topic}}}
    # AND the sender identity's default configuration set publishes bounces and complaints to it
    [identity] = resources(template, "AWS::SES::EmailIdentity").values()
    [configuration_set] = resources(template, "AWS::SES::ConfigurationSet")
    assert identity["Properties"]["ConfigurationSetAttributes"]["ConfigurationSetName"] == {"Ref": configuration_set}
    [destination] = [d["Properties"] for d in resources(template, "AWS::SES::ConfigurationSetEventDestination").values()]
    assert destination["ConfigurationSetName"] == {"Ref": configuration_set}
    event = destination["EventDestination"]
    assert event["Enabled"] is True and sorted(event["MatchingEventTypes"]) == ["bounce", "complaint"]
    assert event["SnsDestination"] == {"TopicARN": {"Ref": topic}}
    # AND SES of this account may publish to the topic
    [topic_policy] = [
        p["Properties"]["PolicyDocument"]["Statement"] for p in resources(template, "AWS::SNS::TopicPolicy").values()
        if {"Ref": topic} in p["Properties"]["Topics"]
    ]
    assert [
        s for s in topic_policy
        if s.get("Principal") == {"Service": "ses.amazonaws.com"} and s["Effect"] == "Allow"
        and s["Action"] == "sns:Publish"
    ]
