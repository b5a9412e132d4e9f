"""CloudFormation handlers for the resource types of infra/template.yaml that moto's CloudFormation
skips (it logs "No Moto CloudFormation support" and leaves them out of the stack, so every Ref to
them resolves to nothing and every GetAtt answers 500).

Imported by dev/moto_serial.py, so the moto server the tests use can create the translated
template (scripts/rehearse.py). Each handler makes its resource through moto's own backend, the
one the matching API answers from: the user pool is in cognito-idp's ListUserPools, the routes
in apigatewayv2's GetRoutes, the secret in secretsmanager, and so on. Resource types without a
moto backend (CloudFront's response headers and cache policies) get an id and nothing else: the
rehearsal can show they are in the stack, not what they do. A handler raises CreationError for
what AWS would refuse (a WAF web ACL on an HTTP API, a route naming an unknown authorizer).

moto finds CloudFormation models as direct subclasses of CloudFormationModel (parsing.py), so
each handler below is one, made by `_handler`. What moto's own handlers leave out (bucket
notifications and CORS, function architectures, permissions' ids) and the naming of the resource
in a creation error are patched in when moto's CloudFormation first loads (`_patch`).
"""

import importlib
import importlib.abc
import importlib.util
import json
import re
import sys
import uuid
from typing import Any, Callable

from moto.core.common_models import CloudFormationModel
from moto.utilities.utils import get_partition


def _backends(service: str, name: str | None = None) -> Any:
    # Imported on first use: moto's CloudFormation (and these services) load only when a
    # stack is created, so a moto server that never sees one starts as fast as before.
    return getattr(importlib.import_module(f"moto.{service}.models"), name or f"{service}_backends")


class CreationError(Exception):
    """A resource the real service would refuse; CreateStack answers 400 with the message."""


class _Made:
    """What a handler made: its physical id (what Ref gives) and attributes (what GetAtt gives)."""

    def __init__(self, physical_id: str, attributes: dict[str, Any]):
        self.physical_resource_id = physical_id
        self._attributes = attributes

    def get_cfn_attribute(self, name: str) -> Any:
        if name not in self._attributes:
            from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

            raise UnformattedGetAttTemplateException()
        return self._attributes[name]

    def is_created(self) -> bool:
        return True

    def delete(self, account_id: str, region_name: str) -> None:
        pass  # stacks are not deleted by the rehearsal; moto's state goes with the server


HANDLERS: dict[str, type] = {}


def _handler(cfn_type: str, name_property: str, attributes: list[str]):
    """Registers `make(name, properties, account_id, region) -> (physical id, attributes)`."""

    def register(make: Callable[..., tuple[str, dict[str, Any]]]):
        def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
            props = cloudformation_json.get("Properties") or {}
            physical_id, attrs = make(resource_name, props, account_id, region_name)
            return _Made(physical_id, attrs)

        cls = type(
            "Rehearsal" + cfn_type.replace("::", ""),
            (CloudFormationModel,),
            {
                # moto files models by the second part of their module's name.
                "__module__": "moto.cloudformation.rehearsal_handlers",
                "cloudformation_type": staticmethod(lambda: cfn_type),
                "cloudformation_name_type": staticmethod(lambda: name_property),
                "has_cfn_attr": classmethod(lambda cls, attr: attr in attributes),
                "create_from_cloudformation_json": classmethod(create),
                "is_created": lambda self: True,
            },
        )
        HANDLERS[cfn_type] = cls
        return make

    return register


# --- HTTP API -------------------------------------------------------------------------------


def _jwt_authorizer(api, name: str, scheme: dict[str, Any]):
    ext = scheme.get("x-amazon-apigateway-authorizer") or {}
    if ext.get("type") != "jwt":
        raise CreationError(f"HTTP API authorizer {name}: only JWT authorizers are rehearsed")
    jwt = ext.get("jwtConfiguration") or {}
    if not jwt.get("issuer") or not jwt.get("audience"):
        raise CreationError(f"HTTP API authorizer {name} has no issuer or audience: {jwt}")
    return api.create_authorizer(
        auth_creds_arn=None,
        auth_payload_format_version=None,
        auth_result_ttl=None,
        authorizer_type="JWT",
        authorizer_uri=None,
        enable_simple_response=None,
        identity_source=[ext.get("identitySource")],
        identity_validation_expr=None,
        jwt_config={"audience": jwt["audience"], "issuer": jwt["issuer"]},  # as the API stores it
        name=name,
    )


@_handler("AWS::ApiGatewayV2::Api", "Name", ["ApiEndpoint", "ApiId"])
def _http_api(name, props, account_id, region):
    # SAM's HttpApi becomes one Api with an OpenAPI Body; API Gateway imports it as routes,
    # integrations and authorizers. moto's own import (import_api) drops the authorizers and
    # each route's security, which is what the rehearsal checks, so the import is done here.
    body = props.get("Body")
    if not isinstance(body, dict):
        raise CreationError("HTTP API: only an inline OpenAPI Body is rehearsed")
    backend = _backends("apigatewayv2")[account_id][region]
    # SAM writes DisableExecuteApiEndpoint into the body, as each server's endpoint extension.
    disabled = props.get("DisableExecuteApiEndpoint")
    for server in body.get("servers") or []:
        config = server.get("x-amazon-apigateway-endpoint-configuration") or {}
        if disabled is None and "disableExecuteApiEndpoint" in config:
            disabled = config["disableExecuteApiEndpoint"]
    api = backend.create_api(
        api_key_selection_expression=None,
        cors_configuration=body.get("x-amazon-apigateway-cors"),
        description=(body.get("info") or {}).get("description"),
        disable_schema_validation=None,
        disable_execute_api_endpoint=str(disabled).lower() == "true",
        name=(body.get("info") or {}).get("title") or name,
        protocol_type="HTTP",
        route_selection_expression=None,
        tags={},
        version=(body.get("info") or {}).get("version"),
    )
    schemes = (body.get("components") or {}).get("securitySchemes") or {}
    authorizers = {n: _jwt_authorizer(api, n, s) for n, s in schemes.items()}
    for path, operations in (body.get("paths") or {}).items():
        for method, op in operations.items():
            route_key = (
                f"{'ANY' if method == 'x-amazon-apigateway-any-method' else method.upper()} {path}"
            )
            integ = op.get("x-amazon-apigateway-integration")
            if not integ or not integ.get("uri"):
                raise CreationError(f"HTTP API route {route_key} has no integration")
            integration = api.create_integration(
                connection_type="INTERNET",
                description=None,
                integration_method=integ.get("httpMethod"),
                integration_type=(integ.get("type") or "").upper(),
                integration_uri=integ["uri"],
                payload_format_version=integ.get("payloadFormatVersion"),
            )
            auth_type, auth_id = "NONE", None
            for requirement in op.get("security") or []:
                for scheme in requirement:
                    if scheme == "NONE":
                        continue
                    if scheme not in authorizers:
                        raise CreationError(
                            f"HTTP API route {route_key} names unknown authorizer {scheme}"
                        )
                    auth_type, auth_id = "JWT", authorizers[scheme].id
            api.create_route(
                api_key_required=False,
                authorization_scopes=[],
                route_key=route_key,
                target=f"integrations/{integration.id}",
                authorization_type=auth_type,
                authorizer_id=auth_id,
            )
    return api.api_id, {"ApiEndpoint": api.api_endpoint, "ApiId": api.api_id}


@_handler(
    "AWS::ApiGatewayV2::DomainName",
    "DomainName",
    ["RegionalDomainName", "RegionalHostedZoneId"],
)
def _http_api_domain(name, props, account_id, region):
    configurations = props.get("DomainNameConfigurations") or []
    if not configurations or not all(c.get("CertificateArn") for c in configurations):
        raise CreationError(f"API domain {props.get('DomainName')}: no certificate")
    domain = _backends("apigatewayv2")[account_id][region].create_domain_name(
        props["DomainName"], configurations, {}, {}
    )
    regional = f"d-{uuid.uuid4().hex[:10]}.execute-api.{region}.amazonaws.com"
    return domain.domain_name, {"RegionalDomainName": regional, "RegionalHostedZoneId": "Z1UJRXOUMOOFQ8"}


@_handler("AWS::ApiGatewayV2::ApiMapping", "", ["ApiMappingId"])
def _http_api_mapping(name, props, account_id, region):
    mapping = _backends("apigatewayv2")[account_id][region].create_api_mapping(
        props["ApiId"], props.get("ApiMappingKey") or "", props["DomainName"], props["Stage"]
    )
    return mapping.api_mapping_id, {"ApiMappingId": mapping.api_mapping_id}


@_handler("AWS::ApiGatewayV2::Stage", "StageName", [])
def _http_api_stage(name, props, account_id, region):
    def camel(value):
        if isinstance(value, dict):
            return {
                k[:1].lower() + k[1:] if k[:1].isupper() else k: camel(v) for k, v in value.items()
            }
        return value

    config = {"stageName": props.get("StageName") or name, "autoDeploy": props.get("AutoDeploy")}
    for key in ("DefaultRouteSettings", "AccessLogSettings", "StageVariables", "Description"):
        if key in props:
            config[key[:1].lower() + key[1:]] = camel(props[key])
    # Route keys ("GET /invitation") are names, not fields: only their settings are camel-cased.
    config["routeSettings"] = {k: camel(v) for k, v in (props.get("RouteSettings") or {}).items()}
    stage = _backends("apigatewayv2")[account_id][region].create_stage(props["ApiId"], config)
    return stage.name, {}


# Routes written out by hand (not through SAM's Events) are these three types.
@_handler("AWS::ApiGatewayV2::Authorizer", "Name", ["AuthorizerId"])
def _http_api_authorizer(name, props, account_id, region):
    api = _backends("apigatewayv2")[account_id][region].get_api(props["ApiId"])
    jwt = props.get("JwtConfiguration") or {}
    scheme = {
        "x-amazon-apigateway-authorizer": {
            "type": (props.get("AuthorizerType") or "").lower(),
            "identitySource": (props.get("IdentitySource") or [None])[0],
            "jwtConfiguration": {"issuer": jwt.get("Issuer"), "audience": jwt.get("Audience")},
        }
    }
    authorizer = _jwt_authorizer(api, props.get("Name") or name, scheme)
    return authorizer.id, {"AuthorizerId": authorizer.id}


@_handler("AWS::ApiGatewayV2::Integration", "", ["IntegrationId"])
def _http_api_integration(name, props, account_id, region):
    integration = (
        _backends("apigatewayv2")[account_id][region]
        .get_api(props["ApiId"])
        .create_integration(
            connection_type=props.get("ConnectionType", "INTERNET"),
            description=props.get("Description"),
            integration_method=props.get("IntegrationMethod"),
            integration_type=props["IntegrationType"],
            integration_uri=props.get("IntegrationUri"),
            payload_format_version=props.get("PayloadFormatVersion"),
        )
    )
    return integration.id, {"IntegrationId": integration.id}


@_handler("AWS::ApiGatewayV2::Route", "", ["RouteId"])
def _http_api_route(name, props, account_id, region):
    api = _backends("apigatewayv2")[account_id][region].get_api(props["ApiId"])
    if props.get("AuthorizerId") and props["AuthorizerId"] not in api.authorizers:
        raise CreationError(
            f"route {props['RouteKey']} names authorizer {props['AuthorizerId']}, which the API does not have"
        )
    route = api.create_route(
        api_key_required=bool(props.get("ApiKeyRequired")),
        authorization_scopes=props.get("AuthorizationScopes") or [],
        route_key=props["RouteKey"],
        target=props.get("Target"),
        authorization_type=props.get("AuthorizationType", "NONE"),
        authorizer_id=props.get("AuthorizerId"),
    )
    return route.route_id, {"RouteId": route.route_id}


# --- Cognito --------------------------------------------------------------------------------


@_handler(
    "AWS::Cognito::UserPool", "UserPoolName", ["Arn", "ProviderName", "ProviderURL", "UserPoolId"]
)
def _user_pool(name, props, account_id, region):
    # The template's properties are the API's, except EnabledMfas (SetUserPoolMfaConfig).
    config = {k: v for k, v in props.items() if k not in ("UserPoolName", "EnabledMfas")}
    pool = _backends("cognitoidp")[account_id][region].create_user_pool(name, config)
    provider = f"cognito-idp.{region}.amazonaws.com/{pool.id}"
    return pool.id, {
        "Arn": pool.arn,
        "ProviderName": provider,
        "ProviderURL": f"https://{provider}",
        "UserPoolId": pool.id,
    }


@_handler("AWS::Cognito::UserPoolClient", "ClientName", ["ClientId", "ClientSecret", "Name"])
def _user_pool_client(name, props, account_id, region):
    config = {k: v for k, v in props.items() if k not in ("UserPoolId", "GenerateSecret")}
    config.setdefault("ClientName", name)
    client = _backends("cognitoidp")[account_id][region].create_user_pool_client(
        props["UserPoolId"], bool(props.get("GenerateSecret")), config
    )
    return client.id, {
        "ClientId": client.id,
        "ClientSecret": client.secret,
        "Name": config["ClientName"],
    }


@_handler("AWS::Cognito::UserPoolGroup", "GroupName", [])
def _user_pool_group(name, props, account_id, region):
    group = _backends("cognitoidp")[account_id][region].create_group(
        props["UserPoolId"],
        props.get("GroupName") or name,
        props.get("Description"),
        props.get("RoleArn"),
        props.get("Precedence"),
    )
    return group.group_name, {}


@_handler("AWS::Cognito::UserPoolDomain", "", ["CloudFrontDistribution"])
def _user_pool_domain(name, props, account_id, region):
    backend = _backends("cognitoidp")[account_id][region]
    domain = props["Domain"]
    if domain in backend.user_pool_domains:
        raise CreationError(
            f"Cognito domain prefix {domain} is taken"
        )  # as Cognito says, per region
    backend.create_user_pool_domain(props["UserPoolId"], domain, props.get("CustomDomainConfig"))
    return domain, {"CloudFrontDistribution": f"{domain}.auth.{region}.amazoncognito.com"}


# --- Secrets, mail --------------------------------------------------------------------------


@_handler("AWS::SecretsManager::Secret", "Name", ["Id"])
def _secret(name, props, account_id, region):
    backend = _backends("secretsmanager")[account_id][region]
    value = props.get("SecretString")
    generate = props.get("GenerateSecretString")
    if generate is not None:
        if value is not None:
            raise CreationError("a secret has both SecretString and GenerateSecretString")
        value = json.loads(
            backend.get_random_password(
                password_length=int(generate.get("PasswordLength", 32)),
                exclude_characters=generate.get("ExcludeCharacters", ""),
                exclude_numbers=bool(generate.get("ExcludeNumbers", False)),
                exclude_punctuation=bool(generate.get("ExcludePunctuation", False)),
                exclude_uppercase=bool(generate.get("ExcludeUppercase", False)),
                exclude_lowercase=bool(generate.get("ExcludeLowercase", False)),
                include_space=bool(generate.get("IncludeSpace", False)),
                require_each_included_type=bool(generate.get("RequireEachIncludedType", True)),
            )
        )["RandomPassword"]
        # As Secrets Manager does: with a template, the password goes under GenerateStringKey.
        if "SecretStringTemplate" in generate:
            shaped = json.loads(generate["SecretStringTemplate"])
            shaped[generate["GenerateStringKey"]] = value
            value = json.dumps(shaped)
    created = json.loads(
        backend.create_secret(
            name=props.get("Name") or name,
            secret_string=value,
            secret_binary=None,
            description=props.get("Description"),
            tags=props.get("Tags"),
            kms_key_id=props.get("KmsKeyId"),
            client_request_token=None,
            replica_regions=[],
            force_overwrite=False,
        )
    )
    return created["ARN"], {"Id": created["ARN"]}


@_handler("AWS::SES::ConfigurationSet", "Name", [])
def _configuration_set(name, props, account_id, region):
    _backends("sesv2")[account_id][region].create_configuration_set(
        configuration_set_name=props.get("Name") or name,
        tracking_options=props.get("TrackingOptions") or {},
        delivery_options=props.get("DeliveryOptions") or {},
        reputation_options=props.get("ReputationOptions") or {},
        sending_options=props.get("SendingOptions") or {},
        tags=props.get("Tags") or [],
        suppression_options=props.get("SuppressionOptions") or {},
        vdm_options=props.get("VdmOptions") or {},
    )
    return props.get("Name") or name, {}


@_handler("AWS::SES::ConfigurationSetEventDestination", "", ["Id"])
def _configuration_set_event_destination(name, props, account_id, region):
    backend = _backends("ses")[account_id][region]
    config_set = props["ConfigurationSetName"]
    destination = props["EventDestination"]
    if config_set not in backend.config_sets:
        raise CreationError(f"SES configuration set {config_set} does not exist")
    # moto keeps destination names account-wide (create_configuration_set_event_destination
    # refuses a second "delivery-events" in another set); SES scopes them to their set.
    backend.config_set_event_destination[config_set] = destination
    return f"{config_set}|{destination['Name']}", {"Id": f"{config_set}|{destination['Name']}"}


@_handler("AWS::SES::EmailIdentity", "EmailIdentity", [])
def _email_identity(name, props, account_id, region):
    identity = props["EmailIdentity"]
    config_set = (props.get("ConfigurationSetAttributes") or {}).get("ConfigurationSetName")
    _backends("sesv2")[account_id][region].create_email_identity(
        identity, props.get("Tags"), None, config_set
    )
    return identity, {}


# --- CloudFront -----------------------------------------------------------------------------


def _items(values: list[Any] | None) -> dict[str, Any]:
    values = values or []
    return {"Quantity": len(values), "Items": values}


@_handler("AWS::CloudFront::OriginAccessControl", "", ["Id"])
def _origin_access_control(name, props, account_id, region):
    control = _backends("cloudfront")[account_id][
        get_partition(region)
    ].create_origin_access_control(props["OriginAccessControlConfig"])
    return control.id, {"Id": control.id}


@_handler("AWS::CloudFront::ResponseHeadersPolicy", "", ["Id", "LastModifiedTime"])
def _response_headers_policy(name, props, account_id, region):
    # moto has no response headers policies: an id for the distribution to name, nothing more.
    if not (props.get("ResponseHeadersPolicyConfig") or {}).get("Name"):
        raise CreationError("a response headers policy needs a Name")
    policy_id = str(uuid.uuid4())
    return policy_id, {"Id": policy_id, "LastModifiedTime": "2026-01-01T00:00:00Z"}


@_handler(
    "AWS::CloudFront::Function",
    "Name",
    ["FunctionARN", "FunctionMetadata.FunctionARN", "Stage"],
)
def _cloudfront_function(name, props, account_id, region):
    config = props.get("FunctionConfig") or {}
    if config.get("Runtime") not in ("cloudfront-js-1.0", "cloudfront-js-2.0"):
        raise CreationError(f"CloudFront function {name}: runtime {config.get('Runtime')!r}")
    code = props.get("FunctionCode") or ""
    if "function handler(" not in code:
        raise CreationError(f"CloudFront function {name}: its code has no handler function")
    function = _backends("cloudfront")[account_id][get_partition(region)].create_function(
        props.get("Name") or name, config, code.encode(), []
    )
    if props.get("AutoPublish"):
        function.stage, function.status = "LIVE", "DEPLOYED"
    return function.arn, {
        "FunctionARN": function.arn,
        "FunctionMetadata.FunctionARN": function.arn,
        "Stage": function.stage,
    }


@_handler("AWS::CloudFront::CachePolicy", "", ["Id", "LastModifiedTime"])
def _cache_policy(name, props, account_id, region):
    policy_id = str(uuid.uuid4())  # as above: moto has no cache policies
    return policy_id, {"Id": policy_id, "LastModifiedTime": "2026-01-01T00:00:00Z"}


def _behaviour(cfn: dict[str, Any]) -> dict[str, Any]:
    """A cache behaviour as the API has it: its lists as {Quantity, Items}."""
    behaviour = dict(cfn)
    if "AllowedMethods" in behaviour:
        behaviour["AllowedMethods"] = {
            **_items(behaviour["AllowedMethods"]),
            "CachedMethods": _items(behaviour.pop("CachedMethods", None)),
        }
    if "FunctionAssociations" in behaviour:
        behaviour["FunctionAssociations"] = _items(behaviour["FunctionAssociations"])
    return behaviour


@_handler("AWS::CloudFront::Distribution", "", ["DomainName", "Id"])
def _distribution(name, props, account_id, region):
    # CloudFormation's lists are the API's {Quantity, Items} structures. An `AWS::NoValue` (an
    # origin or behaviour under a condition that does not hold) reaches here as None: gone.
    cfn = {
        k: [item for item in v if item is not None] if isinstance(v, list) else v
        for k, v in props["DistributionConfig"].items()
        if v is not None
    }
    config = {
        k: v
        for k, v in cfn.items()
        if k not in ("Origins", "CustomErrorResponses", "CacheBehaviors", "Aliases", "IPV6Enabled")
    }
    config["CallerReference"] = str(uuid.uuid4())
    config["Origins"] = _items(cfn.get("Origins"))
    config["IsIPV6Enabled"] = cfn.get("IPV6Enabled", True)
    config["CustomErrorResponses"] = _items(cfn.get("CustomErrorResponses"))
    if cfn.get("Aliases"):
        config["Aliases"] = _items(cfn["Aliases"])
    if cfn.get("CacheBehaviors"):
        config["CacheBehaviors"] = _items([_behaviour(b) for b in cfn["CacheBehaviors"]])
    config["DefaultCacheBehavior"] = _behaviour(cfn.get("DefaultCacheBehavior") or {})
    for origin in cfn.get("Origins") or []:
        # CloudFormation resolves `{{resolve:secretsmanager:...}}` in the headers at deploy time.
        headers = [
            {"HeaderName": h["HeaderName"], "HeaderValue": _resolve(h["HeaderValue"], account_id, region)}
            for h in origin.pop("OriginCustomHeaders", None) or []
        ]
        if headers:
            origin["CustomHeaders"] = _items(headers)
        if (
            not origin.get("OriginAccessControlId")
            and "S3OriginConfig" in origin
            and not origin["S3OriginConfig"].get("OriginAccessIdentity")
        ):
            raise CreationError(
                f"CloudFront origin {origin.get('Id')} reads an S3 bucket with neither OAC nor OAI"
            )
    dist, _, _ = _backends("cloudfront")[account_id][get_partition(region)].create_distribution(
        config, []
    )
    return dist.distribution_id, {"DomainName": dist.domain_name, "Id": dist.distribution_id}


_DYNAMIC_SECRET = re.compile(r"\{\{resolve:secretsmanager:(.+?):SecretString:([^:}]*)(?:::)?\}\}")


def _resolve(text: str, account_id: str, region: str) -> str:
    """A value with CloudFormation's `{{resolve:secretsmanager:<id>:SecretString:<json key>}}`
    dynamic references replaced by the secret's current text (or that key of its JSON)."""

    def value(m: re.Match) -> str:
        secret = _backends("secretsmanager")[account_id][region].get_secret_value(
            m.group(1), None, "AWSCURRENT"
        )
        text = secret["SecretString"] if isinstance(secret, dict) else json.loads(secret)["SecretString"]
        return json.loads(text)[m.group(2)] if m.group(2) else text

    return _DYNAMIC_SECRET.sub(value, text)


# --- WAF -----------------------------------------------------------------------------------


@_handler("AWS::WAFv2::WebACL", "Name", ["Arn", "Id", "LabelNamespace", "Capacity"])
def _web_acl(name, props, account_id, region):
    scope = props["Scope"]
    if scope == "CLOUDFRONT" and region != "us-east-1":
        raise CreationError("a CLOUDFRONT web ACL can only be created in us-east-1")
    acl = _backends("wafv2")[account_id][region].create_web_acl(
        name=props.get("Name") or name,
        visibility_config=props["VisibilityConfig"],
        default_action=props["DefaultAction"],
        scope=scope,
        description=props.get("Description"),
        tags=props.get("Tags") or [],
        # FakeRule takes the rule's fields as keyword arguments: VisibilityConfig -> visibility_config.
        rules=[
            {re.sub(r"(?<!^)(?=[A-Z])", "_", k).lower(): v for k, v in r.items()}
            for r in props.get("Rules") or []
        ],
        association_config=props.get("AssociationConfig"),
        captcha_config=props.get("CaptchaConfig"),
        challenge_config=props.get("ChallengeConfig"),
        custom_response_bodies=props.get("CustomResponseBodies"),
        token_domains=props.get("TokenDomains"),
    )
    return acl.arn, {
        "Arn": acl.arn,
        "Id": acl.id,
        "LabelNamespace": f"awswaf:{account_id}:webacl:{acl.name}:",
        "Capacity": 0,
    }


@_handler("AWS::WAFv2::WebACLAssociation", "", [])
def _web_acl_association(name, props, account_id, region):
    resource = props["ResourceArn"]
    # WAF protects REST API stages, not HTTP APIs (/apis/...): AWS refuses the association.
    if ":apigateway:" in resource and "/restapis/" not in resource:
        raise CreationError(
            f"AWS WAF cannot be associated with {resource}: only REST API stages, not HTTP APIs"
        )
    _backends("wafv2")[account_id][region].associate_web_acl(props["WebACLArn"], resource)
    return f"{props['WebACLArn']}|{resource}", {}


# --- S3, Lambda, alarms, SNS ----------------------------------------------------------------


@_handler("AWS::S3::BucketPolicy", "", [])
def _bucket_policy(name, props, account_id, region):
    bucket = props["Bucket"]
    document = props["PolicyDocument"]
    # Note: moto applies a bucket policy's Deny statements with Principal "*" to object requests
    # without their conditions, so objects in these buckets cannot be written afterwards.
    _backends("s3")[account_id][get_partition(region)].put_bucket_policy(
        bucket, json.dumps(document).encode()
    )
    return f"{bucket}-policy", {}


@_handler("AWS::Lambda::EventInvokeConfig", "", [])
def _event_invoke_config(name, props, account_id, region):
    config = {k: v for k, v in props.items() if k not in ("FunctionName", "Qualifier")}
    _backends("awslambda", "lambda_backends")[account_id][region].put_function_event_invoke_config(
        props["FunctionName"], config
    )
    return f"{props['FunctionName']}:{props.get('Qualifier', '$LATEST')}", {}


@_handler("AWS::CloudWatch::Alarm", "AlarmName", ["Arn"])
def _alarm(name, props, account_id, region):
    alarm = _backends("cloudwatch")[account_id][region].put_metric_alarm(
        name=props.get("AlarmName") or name,
        namespace=props.get("Namespace"),
        metric_name=props.get("MetricName"),
        comparison_operator=props["ComparisonOperator"],
        evaluation_periods=int(props["EvaluationPeriods"]),
        period=int(props["Period"]) if "Period" in props else None,
        threshold=float(props["Threshold"]) if "Threshold" in props else None,
        statistic=props.get("Statistic"),
        description=props.get("AlarmDescription"),
        dimensions=props.get("Dimensions") or [],
        alarm_actions=props.get("AlarmActions") or [],
        ok_actions=props.get("OKActions") or [],
        insufficient_data_actions=props.get("InsufficientDataActions") or [],
        treat_missing_data=props.get("TreatMissingData"),
    )
    if any(a is None or a == "" for a in alarm.alarm_actions):
        raise CreationError(f"alarm {alarm.name} names an action that does not exist")
    return alarm.name, {"Arn": alarm.alarm_arn}


@_handler("AWS::SNS::Subscription", "", [])
def _subscription(name, props, account_id, region):
    sub = _backends("sns")[account_id][region].subscribe(
        props["TopicArn"], props["Endpoint"], props["Protocol"]
    )
    return sub.arn, {}


# --- What moto's own handlers leave out, patched in when moto's CloudFormation loads ----------


def _bucket_with_configuration(
    create, cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
):
    # moto's bucket handler keeps the encryption and tags only; the notification is what the
    # rehearsal reads back (the import function's trigger), CORS what the site's upload needs.
    bucket = create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    props = cloudformation_json.get("Properties") or {}
    backend = _backends("s3")[account_id][get_partition(region_name)]
    notifications = props.get("NotificationConfiguration") or {}
    if notifications:

        def rules(filter_):
            key_rules = ((filter_ or {}).get("S3Key") or {}).get("Rules") or []
            return {"S3Key": {"FilterRule": key_rules}} if key_rules else None

        config = {}
        for cfn_key, api_key, target in (
            ("LambdaConfigurations", "CloudFunctionConfiguration", ("Function", "CloudFunction")),
            ("QueueConfigurations", "QueueConfiguration", ("Queue", "Queue")),
            ("TopicConfigurations", "TopicConfiguration", ("Topic", "Topic")),
        ):
            entries = []
            for entry in notifications.get(cfn_key) or []:
                if not entry.get(target[0]):
                    raise CreationError(
                        f"bucket {resource_name}: a notification names no {target[0].lower()}"
                    )
                item = {target[1]: entry[target[0]], "Event": [entry["Event"]]}
                if rules(entry.get("Filter")):
                    item["Filter"] = rules(entry.get("Filter"))
                entries.append(item)
            if entries:
                config[api_key] = entries
        backend.put_bucket_notification_configuration(resource_name, config)
    cors = (props.get("CorsConfiguration") or {}).get("CorsRules")
    if cors:
        backend.put_bucket_cors(
            resource_name,
            [
                {
                    "AllowedOrigin": r.get("AllowedOrigins", []),
                    "AllowedMethod": r.get("AllowedMethods", []),
                    "AllowedHeader": r.get("AllowedHeaders", []),
                    "ExposeHeader": r.get("ExposedHeaders", []),
                    "MaxAgeSeconds": str(r.get("MaxAge", 0)),
                }
                for r in cors
            ],
        )
    return bucket


def _function_with_architecture(create, cls, resource_name, cloudformation_json, *args, **kwargs):
    # moto's function handler drops Architectures (every function reads back as x86_64).
    fn = create(cls, resource_name, cloudformation_json, *args, **kwargs)
    architectures = (cloudformation_json.get("Properties") or {}).get("Architectures")
    if architectures:
        fn.architectures = architectures
    return fn


def _permission_with_id(create, cls, resource_name, *args, **kwargs):
    # moto's permission has no physical id, so the stack lists it with an empty one.
    permission = create(cls, resource_name, *args, **kwargs)
    permission.physical_resource_id = resource_name
    return permission


def _wrap_creation(model, wrapper) -> None:
    create = model.create_from_cloudformation_json.__func__
    model.create_from_cloudformation_json = classmethod(
        lambda cls, *args, **kwargs: wrapper(create, cls, *args, **kwargs)
    )


def _patch(parsing) -> None:
    from moto.awslambda.models import LambdaFunction, Permission
    from moto.cloudformation.exceptions import CloudFormationError, ValidationError
    from moto.s3.models import FakeBucket

    _wrap_creation(FakeBucket, _bucket_with_configuration)
    _wrap_creation(LambdaFunction, _function_with_architecture)
    _wrap_creation(Permission, _permission_with_id)

    parse_and_create_resource = parsing.parse_and_create_resource

    def parse_and_create_resource_or_say_which(logical_id, resource_json, *args, **kwargs):
        # An exception while creating a resource is otherwise a bare 500 from CreateStack: this
        # names the resource and the error in CreateStack's answer (a 400 ValidationError).
        try:
            return parse_and_create_resource(logical_id, resource_json, *args, **kwargs)
        except CloudFormationError:
            raise  # CloudFormation's own answer, already clear (or a nested resource's, named)
        except CreationError as e:
            raise ValidationError(message=f"{logical_id} ({resource_json.get('Type')}): {e}") from e
        except Exception as e:
            raise ValidationError(
                message=f"creating {logical_id} ({resource_json.get('Type')}): {type(e).__name__}: {e}"
            ) from e

    parsing.parse_and_create_resource = parse_and_create_resource_or_say_which
    # The model lists are cached on first use; the handlers above must be in them.
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Applies _patch right after moto.cloudformation.parsing is first imported (it imports
    most of moto: seconds that a server which never creates a stack should not pay)."""

    TARGET = "moto.cloudformation.parsing"

    def find_spec(self, name, path, target=None):
        if name != self.TARGET:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            _patch(module)

        spec.loader.exec_module = exec_module
        return spec


if _PatchOnImport.TARGET in sys.modules:
    _patch(sys.modules[_PatchOnImport.TARGET])
else:
    sys.meta_path.insert(0, _PatchOnImport())
