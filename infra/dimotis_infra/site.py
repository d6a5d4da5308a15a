"""The static sites in the stack: their bucket, CloudFront in front of it (the page routes of
``devstack/gateway.py`` as a viewer-request function, ``/api/*`` and ``/open311/*`` sent to API
Gateway uncached, behind the WAF web ACL of ``edge.py``), the upload of the bundle, and the stack's
outputs.

The API sees the viewer's address: the origin request policy of ``/api/*`` and ``/open311/*``
(the managed ``AllViewerExceptHostHeader``: every viewer header but Host, which API Gateway needs
to be its own, plus CloudFront's viewer headers) forwards ``CloudFront-Viewer-Address``
(``ip:port``), and CloudFront adds ``X-Dimotis-Origin`` with the generated secret (a viewer's own
header of that name is overwritten). The app trusts the viewer address only on a request whose
``X-Dimotis-Origin`` equals ``DIMOTIS_ORIGIN_SECRET``; a request sent to API Gateway directly has
neither, and is known by its source address.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import RemovalPolicy
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import custom_resources as cr

from dimotis_infra import static
from dimotis_infra.edge import EDGE_REGION, web_acl_parameter
from dimotis_infra.names import private_bucket

ORIGIN_HEADER = "X-Dimotis-Origin"
VIEWER_ADDRESS_HEADER = "CloudFront-Viewer-Address"


class SiteParts:
    """Mixed into ``DimotisStack`` (``self`` is the stack)."""

    # -- static site and CloudFront ---------------------------------------------------------------
    def _static_site(self, retain: RemovalPolicy) -> tuple[s3.Bucket, cloudfront.Distribution]:
        bucket = private_bucket(self, "StaticSite", retain, auto_delete_objects=not self.config.is_production)
        rewrite = cloudfront.Function(
            self,
            "PageRoutes",
            comment="Maps URLs to static-site keys as devstack/gateway.py does",
            code=cloudfront.FunctionCode.from_inline(static.viewer_request_function()),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
        )
        api = self.chalice.get_resource("RestAPI")
        api_origin = origins.HttpOrigin(
            f"{api.ref}.execute-api.{cdk.Aws.REGION}.{cdk.Aws.URL_SUFFIX}",
            origin_path="/api",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            custom_headers={ORIGIN_HEADER: self.origin_secret_value()},
        )
        api_behaviour = cloudfront.BehaviorOptions(
            origin=api_origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            compress=True,
        )
        domain: dict[str, Any] = {}
        if self.config.certificate_arn:
            domain = {
                "domain_names": [self.config.domain],
                "certificate": acm.Certificate.from_certificate_arn(
                    self, "Certificate", self.config.certificate_arn
                ),
            }
        distribution = cloudfront.Distribution(
            self,
            "Site",
            comment=f"Dimotis {self.config.municipality} ({self.config.stage})",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=rewrite, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
                compress=True,
            ),
            additional_behaviors={"/api/*": api_behaviour, "/open311/*": api_behaviour},
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            web_acl_id=self._web_acl_arn(),
            **domain,
        )
        bundle = static.build_bundle(self.workdir / "static-site")
        s3deploy.BucketDeployment(
            self,
            "StaticSiteContent",
            sources=[s3deploy.Source.asset(str(bundle))],
            destination_bucket=bucket,
            distribution=distribution,
            distribution_paths=["/*"],
            memory_limit=512,
        )
        return bucket, distribution

    def _web_acl_arn(self) -> str:
        """The ARN the edge stack (us-east-1) wrote to its SSM parameter, read at deploy time."""
        name = web_acl_parameter(self.config)
        parameter = self.format_arn(
            service="ssm", region=EDGE_REGION, resource="parameter", resource_name=name.lstrip("/")
        )
        read = cr.AwsCustomResource(
            self,
            "WebAclArn",
            on_update=cr.AwsSdkCall(
                service="SSM",
                action="getParameter",
                parameters={"Name": name},
                region=EDGE_REGION,
                physical_resource_id=cr.PhysicalResourceId.of(name),
            ),
            policy=cr.AwsCustomResourcePolicy.from_sdk_calls(resources=[parameter]),
            install_latest_aws_sdk=False,
        )
        return read.get_response_field("Parameter.Value")

    def _outputs(self) -> None:
        cdk.CfnOutput(self, "SiteUrl", value=f"https://{self.distribution.distribution_domain_name}")
        cdk.CfnOutput(self, "PublicBaseUrl", value=self.config.public_base_url)
        cdk.CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id)
        cdk.CfnOutput(self, "UserPoolClientId", value=self.user_pool_client.user_pool_client_id)
        cdk.CfnOutput(self, "TaxisnetSecretArn", value=self.taxisnet_secret.secret_arn)
        cdk.CfnOutput(self, "StreamFailuresQueueUrl", value=self.stream_failures.queue_url)
