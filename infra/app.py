#!/usr/bin/env python3
"""CDK entry point: ``npx cdk synth|deploy -c municipality=palaio-faliro -c stage=prod ...``
(run in ``infra/``; see README "Deployment")."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dimotis_infra import build_app  # noqa: E402

build_app().synth()
