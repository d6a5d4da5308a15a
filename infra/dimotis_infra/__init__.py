"""The AWS deployment of Dimotis: one CDK stack per municipality and stage.

Everything is derived from the code: tables from ``chalicelib.models.all_models()``, SQS queues
from ``chalicelib.sqs_queues.QUEUES``, Lambda functions and schedules from the Chalice app, packaged
by the Chalice CDK construct. See ``docs``/README "Deployment" for the operator's steps.
"""

import os

# jsii prints a banner for Node 20 on every run; the version works for synth.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")

from dimotis_infra.config import DeploymentConfig  # noqa: E402
from dimotis_infra.stack import DimotisStack, build_app  # noqa: E402

__all__ = ["DeploymentConfig", "DimotisStack", "build_app"]
