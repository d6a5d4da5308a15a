"""Buckets, identity and secrets of the stack: the uploads bucket (uploads land under
``incoming/`` and expire after a day unless a request takes them), the staff user pool with its
groups and web client, the SES sender identity (bounces and complaints to the ``ses_feedback``
queue's topic), and the generated secrets (session key, Taxisnet
client, the origin header CloudFront sends to the API)."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ses as ses

from dimotis_infra import code
from dimotis_infra.names import pascal, private_bucket

STAFF_GROUPS = ("admin", "manager", "clerk", "health_officer")
# the queue (chalicelib.sqs_queues) whose SNS topic receives the sender identity's bounces and complaints
SES_FEEDBACK_QUEUE = "ses_feedback"


class IdentityParts:
    """Mixed into ``DimotisStack`` (``self`` is the stack)."""

    # -- buckets, identity, secrets ---------------------------------------------------------------
    def _uploads_bucket(self, retain: RemovalPolicy) -> s3.Bucket:
        # the rule the code defines, and the local stack gives its bucket too
        incoming = code.uploads_layout().rule
        return private_bucket(
            self,
            "Uploads",
            retain,
            auto_delete_objects=False,
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.PUT, s3.HttpMethods.GET],
                    allowed_origins=[self.config.public_base_url],
                    allowed_headers=["*"],
                    exposed_headers=["ETag"],
                    max_age=3000,
                )
            ],
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="abort-incomplete-uploads", abort_incomplete_multipart_upload_after=Duration.days(1)
                ),
                # a photo no request took within a day (the browser uploads here; attaching moves it)
                s3.LifecycleRule(
                    id=incoming["ID"],
                    prefix=incoming["Filter"]["Prefix"],
                    expiration=Duration.days(incoming["Expiration"]["Days"]),
                ),
                s3.LifecycleRule(
                    id="older-to-infrequent-access",
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                            transition_after=Duration.days(90),
                        )
                    ],
                ),
            ],
        )

    def _user_pool(self) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
        """The staff pool as ``chalicelib/services/platform/staff_pool.py`` describes it (the local
        stack's pool is made from the same description): optional TOTP (the app requires it of
        the roles of DIMOTIS_STAFF_MFA_ROLES), its password policy, its e-mails."""
        setup = code.staff_pool()
        policy = setup.PASSWORD_POLICY
        hours = setup.TOKEN_VALIDITY_HOURS
        extra: dict[str, Any] = {}
        if self.config.cognito_threat_protection:
            extra = {
                "feature_plan": cognito.FeaturePlan.PLUS,
                "standard_threat_protection_mode": cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            }
        pool = cognito.UserPool(
            self,
            "StaffPool",
            user_pool_name=f"{self.config.prefix}staff",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(username=True, email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True),
            ),
            custom_attributes={"department": cognito.StringAttribute(min_len=1, max_len=64, mutable=True)},
            password_policy=cognito.PasswordPolicy(
                min_length=policy["MinimumLength"],
                require_lowercase=policy["RequireLowercase"],
                require_uppercase=policy["RequireUppercase"],
                require_digits=policy["RequireNumbers"],
                require_symbols=policy["RequireSymbols"],
                temp_password_validity=Duration.days(policy["TemporaryPasswordValidityDays"]),
            ),
            user_invitation=cognito.UserInvitationConfig(
                email_subject=setup.INVITATION_SUBJECT, email_body=setup.INVITATION_BODY
            ),
            user_verification=cognito.UserVerificationConfig(
                email_subject=setup.RESET_SUBJECT,
                email_body=setup.RESET_BODY,
                email_style=cognito.VerificationEmailStyle.CODE,
            ),
            mfa={"OPTIONAL": cognito.Mfa.OPTIONAL, "ON": cognito.Mfa.REQUIRED}[setup.MFA_CONFIGURATION],
            mfa_second_factor=cognito.MfaSecondFactor(sms=False, otp=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            deletion_protection=self.config.is_production,
            removal_policy=RemovalPolicy.RETAIN if self.config.is_production else RemovalPolicy.DESTROY,
            **extra,
        )
        for group in STAFF_GROUPS:
            cognito.CfnUserPoolGroup(
                self,
                f"Group{pascal(group)}",
                user_pool_id=pool.user_pool_id,
                group_name=group,
                description=f"Dimotis role {group}",
            )
        client = pool.add_client(
            "WebClient",
            user_pool_client_name="dimotis-web",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_password=True),
            prevent_user_existence_errors=True,
            access_token_validity=Duration.hours(hours["access"]),
            id_token_validity=Duration.hours(hours["id"]),
            refresh_token_validity=Duration.hours(hours["refresh"]),
            auth_session_validity=Duration.minutes(setup.AUTH_SESSION_MINUTES),
            enable_token_revocation=True,
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, fullname=True)
            .with_custom_attributes("department"),
            write_attributes=cognito.ClientAttributes().with_standard_attributes(fullname=True),
        )
        return pool, client

    def _email_identity(self) -> ses.EmailIdentity:
        """The sender identity, with a default configuration set that publishes its bounces and
        complaints to the ``ses_feedback`` queue's SNS topic (the suppression list reads them).
        CloudFormation cannot set an identity's notification topics; an event destination on the
        identity's default configuration set is its way, and applies to every message sent from
        the identity."""
        identity = self.config.ses_identity
        topic = self.queue_topics.get(SES_FEEDBACK_QUEUE)
        if topic is None:
            raise ValueError(f"chalicelib.sqs_queues declares no {SES_FEEDBACK_QUEUE!r} queue with an SNS topic")
        self.sender_configuration_set = ses.ConfigurationSet(
            self, "SenderConfigurationSet", configuration_set_name=f"{self.config.prefix}sender"
        )
        self.sender_configuration_set.add_event_destination(
            "Feedback",
            destination=ses.EventDestination.sns_topic(topic),
            events=[ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
        )
        return ses.EmailIdentity(
            self,
            "SenderIdentity",
            identity=ses.Identity.email(identity) if "@" in identity else ses.Identity.domain(identity),
            configuration_set=self.sender_configuration_set,
        )

    def _origin_secret(self) -> secretsmanager.Secret:
        """The value CloudFront sends to the API as ``X-Dimotis-Origin`` and the functions know as
        ``DIMOTIS_ORIGIN_SECRET``, generated; both read it through a dynamic reference resolved at
        deploy time, so it is in no template. A new value takes effect at the next deploy."""
        return self._generated_secret(
            "OriginHeader",
            "origin-header",
            'Value of the X-Dimotis-Origin header CloudFront adds to API requests (JSON {"value"})',
            key="value",
            length=48,
        )

    def _generated_secret(self, construct_id: str, name: str, description: str, *, key: str, length: int) -> secretsmanager.Secret:
        """A secret ``{"<key>": "<random letters and digits>"}`` made by Secrets Manager."""
        return secretsmanager.Secret(
            self,
            construct_id,
            secret_name=f"{self.config.prefix}{name}",
            description=description,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template="{}",
                generate_string_key=key,
                password_length=length,
                exclude_punctuation=True,
            ),
        )

    def origin_secret_value(self) -> str:
        """The dynamic reference ``{{resolve:secretsmanager:...:SecretString:value}}``."""
        return self.origin_secret.secret_value_from_json("value").unsafe_unwrap()

    def _secrets(self) -> tuple[secretsmanager.Secret, secretsmanager.Secret]:
        session = self._generated_secret(
            "SessionKey",
            "session-key",
            'Signing key of citizen session tokens (JSON {"key"}), generated',
            key="key",
            length=64,
        )
        taxisnet = secretsmanager.Secret(
            self,
            "TaxisnetClient",
            secret_name=f"{self.config.prefix}taxisnet-client",
            description='Taxisnet (GSIS OAuth 2.0) client: JSON {"client_id", "client_secret"}; '
            "the operator sets the values GSIS issued",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps({"client_id": "SET-ME"}),
                generate_string_key="client_secret",
                exclude_punctuation=True,
            ),
        )
        return session, taxisnet
