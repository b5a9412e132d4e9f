"""Deploy rehearsal of infra/template.yaml: translate it as `sam deploy` would (the SAM
translator, offline), lint the CloudFormation that comes out with cfn-lint, create it as a
stack on a moto server (dev/moto_serial.py, with dev/moto_cfn_handlers.py for the types moto's
CloudFormation lacks) and read back over the wire what the stack made.

Usage: .venv/bin/python scripts/rehearse.py --endpoint http://127.0.0.1:PORT
           [--template infra/template.yaml] [--public-route "GET /invitation" ...]
Exits 1 with one "rehearsal: FAIL ..." line per problem; 0 when everything checks out.

What passes here is what CloudFormation and the SAM transform will make of the template: every
resource is created, every reference and output resolves, there is no cycle, the functions name
the stack's own table, bucket, pool and secret, the triggers are wired, the routes are protected.
What only a real account shows (IAM evaluation, quotas, SES sandbox, the hosted sign-in) is in
the README's deployment section.
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
# Parameters without a default need a value to create the stack.
PARAMETERS = {"MailFromAddress": "invitations@example.org"}


class Failed(Exception):
    pass


# Resource types moto lists in a stack without a physical id, though it made them.
MOTO_WITHOUT_PHYSICAL_ID = {"AWS::Events::EventBus"}

def fail(problems: list[str], message: str) -> None:
    problems.append(message)


# --- 1. Translate -------------------------------------------------------------------------


def translate(template_path: Path, code_uri: str) -> tuple[dict, dict]:
    """The SAM template (as written) and the CloudFormation the SAM transform makes of it."""
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)  # the translator fills in AWS::Region
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse

    sam = yaml_parse(template_path.read_text())
    source = json.loads(json.dumps(sam))
    for resource in sam.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            # `sam build` puts each binary in its own zip; here one placeholder stands in.
            resource.setdefault("Properties", {})["CodeUri"] = code_uri

    class NoManagedPolicies:  # every role in the template is written out; nothing to look up
        def load(self) -> dict:
            return {}

    try:
        return source, transform(sam, {}, NoManagedPolicies())
    except InvalidDocumentException as e:
        raise Failed("SAM transform: " + "; ".join(str(c) for c in e.causes)) from e


# --- 2. Lint the translated template ------------------------------------------------------


def lint(translated_path: Path) -> None:
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run([str(cfn_lint), str(translated_path)], capture_output=True, text=True)
    if result.returncode != 0:
        raise Failed(
            "cfn-lint on the translated template:\n" + (result.stdout + result.stderr).strip()
        )


# --- Conditions (which resources and outputs the stack should hold) -----------------------


def condition_values(template: dict, parameters: dict) -> dict[str, bool]:
    values = {k: v.get("Default") for k, v in template.get("Parameters", {}).items()}
    values.update(parameters)
    conditions = template.get("Conditions", {})
    cache: dict[str, bool] = {}

    def value(x):
        if isinstance(x, dict) and "Ref" in x:
            return str(values[x["Ref"]])
        if isinstance(x, dict) and "Condition" in x:
            return holds(x["Condition"])
        if isinstance(x, dict):
            return evaluate(x)
        return str(x)

    def evaluate(expr):
        ((op, args),) = expr.items()
        if op == "Fn::Equals":
            return value(args[0]) == value(args[1])
        if op == "Fn::Not":
            return not value(args[0])
        if op == "Fn::And":
            return all(value(a) for a in args)
        if op == "Fn::Or":
            return any(value(a) for a in args)
        raise Failed(f"condition function {op} is not rehearsed")

    def holds(name):
        if name not in cache:
            cache[name] = bool(evaluate(conditions[name]))
        return cache[name]

    return {name: holds(name) for name in conditions}


# --- 3. Create the stack ------------------------------------------------------------------


def clients(endpoint: str):
    import boto3

    session = boto3.session.Session(
        aws_access_key_id="rehearsal", aws_secret_access_key="rehearsal", region_name=REGION
    )
    return lambda service: session.client(service, endpoint_url=endpoint)


def upload_placeholder_code(client, bucket: str) -> str:
    client("s3").create_bucket(Bucket=bucket)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("bootstrap", "#!/bin/sh\nexit 1\n")  # never invoked: the rehearsal only creates
    client("s3").put_object(Bucket=bucket, Key="functions.zip", Body=archive.getvalue())
    return f"s3://{bucket}/functions.zip"


def create_stack(client, name: str, translated: dict) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    cfn = client("cloudformation")
    try:
        cfn.create_stack(
            StackName=name,
            TemplateBody=json.dumps(translated),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in PARAMETERS.items()],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
        )
    except ClientError as e:
        raise Failed(f"CreateStack refused the translated template: {e}") from e
    except BotoCoreError as e:  # moto's answer to an exception it did not expect
        raise Failed(
            f"CreateStack failed inside the moto server (its log has the traceback): {e}"
        ) from e
    status = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    if status != "CREATE_COMPLETE":
        raise Failed(f"stack {name} is {status}, not CREATE_COMPLETE")


# --- 4. Read back what the stack made -----------------------------------------------------


def binaries(source: dict) -> dict[str, str]:
    """Function logical id -> the Cargo binary it runs (Metadata.BuildProperties.Binary)."""
    return {
        logical: r.get("Metadata", {}).get("BuildProperties", {}).get("Binary")
        for logical, r in source.get("Resources", {}).items()
        if r.get("Type") == "AWS::Serverless::Function"
    }


def check(client, name: str, source: dict, translated: dict, public_routes: set[str]) -> list[str]:
    from botocore.exceptions import ClientError

    problems: list[str] = []
    cfn = client("cloudformation")
    conditions = condition_values(translated, PARAMETERS)
    expected = {
        logical: r["Type"]
        for logical, r in translated["Resources"].items()
        if conditions.get(r.get("Condition"), True)
    }

    # Every translated resource is in the stack, with a physical id.
    listed = []
    paginator = cfn.get_paginator("list_stack_resources")
    for page in paginator.paginate(StackName=name):
        listed += page["StackResourceSummaries"]
    # (moto lists a resource whose condition is false as a row without a logical id.)
    physical = {
        r["LogicalResourceId"]: r.get("PhysicalResourceId")
        for r in listed
        if r.get("LogicalResourceId")
    }
    for logical, rtype in sorted(expected.items()):
        # moto creates an event bus but gives it no physical id (AWS gives its name).
        if rtype in MOTO_WITHOUT_PHYSICAL_ID and logical in physical:
            continue
        if not physical.get(logical):
            fail(
                problems,
                f"{logical} ({rtype}) is not in the stack: CloudFormation did not create it",
            )
    for logical in sorted(set(physical) - set(expected)):
        fail(
            problems,
            f"{logical} is in the stack but not in the template, or its condition is false",
        )
    described = cfn.describe_stack_resources(StackName=name)["StackResources"]
    if {r.get("LogicalResourceId") for r in described} - {None} != set(physical):
        fail(problems, "DescribeStackResources and ListStackResources disagree")
    if problems:
        return problems  # everything below reads these resources

    def of_type(rtype: str) -> dict[str, str]:
        return {l: physical[l] for l, t in expected.items() if t == rtype}

    def the_one(rtype: str) -> str:
        found = list(of_type(rtype).values())
        if len(found) != 1:
            raise Failed(f"the stack should hold one {rtype}, it holds {len(found)}")
        return found[0]

    # Every output resolves.
    try:
        outputs = {
            o["OutputKey"]: o.get("OutputValue")
            for o in cfn.describe_stacks(StackName=name)["Stacks"][0].get("Outputs", [])
        }
    except ClientError as e:
        fail(problems, f"DescribeStacks cannot resolve the outputs: {e}")
        outputs = {}
    for key, out in translated.get("Outputs", {}).items():
        if not conditions.get(out.get("Condition"), True):
            continue
        value = outputs.get(key)
        if not value or "${" in value or "None" in value:
            fail(problems, f"output {key} does not resolve (got {value!r})")

    # The resources moto's CloudFormation skipped without the handlers, over their own APIs.
    pool_id = the_one("AWS::Cognito::UserPool")
    client_id = the_one("AWS::Cognito::UserPoolClient")
    idp = client("cognito-idp")
    try:
        idp.describe_user_pool(UserPoolId=pool_id)
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
        groups = {g["GroupName"] for g in idp.list_groups(UserPoolId=pool_id)["Groups"]}
        for group in of_type("AWS::Cognito::UserPoolGroup").values():
            if group not in groups:
                fail(problems, f"user pool {pool_id} has no group {group}")
        for domain in of_type("AWS::Cognito::UserPoolDomain").values():
            if (
                idp.describe_user_pool_domain(Domain=domain)["DomainDescription"].get("UserPoolId")
                != pool_id
            ):
                fail(problems, f"Cognito domain {domain} is not the user pool's")
        for secret in of_type("AWS::SecretsManager::Secret").values():
            client("secretsmanager").describe_secret(SecretId=secret)
        for config_set in of_type("AWS::SES::ConfigurationSet").values():
            client("sesv2").get_configuration_set(ConfigurationSetName=config_set)
    except ClientError as e:
        fail(problems, f"a resource of the stack is missing from its service: {e}")

    # Each function: its architecture, its role and the names in its environment.
    lam = client("lambda")
    functions = of_type("AWS::Lambda::Function")
    function_arns = {}
    by_type = {
        "TABLE_NAME": "AWS::DynamoDB::Table",
        "IMPORTS_BUCKET": "AWS::S3::Bucket",
        "USER_POOL_ID": "AWS::Cognito::UserPool",
        "LINK_SIGNING_SECRET": "AWS::SecretsManager::Secret",
        "ORIGIN_SECRET": "AWS::SecretsManager::Secret",
        "SES_CONFIGURATION_SET": "AWS::SES::ConfigurationSet",
    }
    roles = {
        client("iam").get_role(RoleName=r)["Role"]["Arn"]
        for r in of_type("AWS::IAM::Role").values()
    }
    imports_buckets = set()
    for logical, fn in sorted(functions.items()):
        try:
            config = lam.get_function_configuration(FunctionName=fn)
        except Exception as e:  # noqa: BLE001 - say which function moto could not describe
            fail(problems, f"{logical} ({fn}) cannot be read back: {str(e)[:200]}")
            continue
        function_arns[logical] = config["FunctionArn"]
        props = translated["Resources"][logical]["Properties"]
        if config.get("Architectures") != props.get("Architectures", ["x86_64"]):
            fail(
                problems,
                f"{logical} runs on {config.get('Architectures')}, the template says {props.get('Architectures')}",
            )
        if config["Role"] not in roles:
            fail(problems, f"{logical}'s role {config['Role']} is not a role of the stack")
        env = (config.get("Environment") or {}).get("Variables") or {}
        for var, given in ((props.get("Environment") or {}).get("Variables") or {}).items():
            value = env.get(var)
            # Lambda's variables are strings; moto hands a Number parameter's Ref back as a number.
            value = None if value is None else str(value)
            if (
                isinstance(given, dict)
                and "Fn::If" in given
                and given["Fn::If"][2] == {"Ref": "AWS::NoValue"}
                and not conditions.get(given["Fn::If"][0], True)
            ):
                if value is not None:
                    fail(problems, f"{logical}: {var} is set ({value!r}) though {given['Fn::If'][0]} is false")
                continue
            if value is None or "${" in value or value == "None":
                fail(problems, f"{logical}: {var} does not resolve (got {value!r})")
            elif var in by_type and value not in of_type(by_type[var]).values():
                fail(
                    problems,
                    f"{logical}: {var}={value} is not the stack's {by_type[var]} ({sorted(of_type(by_type[var]).values())})",
                )
            if var == "IMPORTS_BUCKET":
                imports_buckets.add(value)
    if len(imports_buckets) > 1:
        fail(problems, f"the functions name different imports buckets: {sorted(imports_buckets)}")

    # The mailer reads the table's stream.
    names = binaries(source)
    mailer = [l for l, b in names.items() if b == "mailer"]
    table = the_one("AWS::DynamoDB::Table")
    stream = client("dynamodb").describe_table(TableName=table)["Table"].get("LatestStreamArn")
    for logical in mailer:
        mappings = lam.list_event_source_mappings(FunctionName=functions[logical])[
            "EventSourceMappings"
        ]
        if not stream or stream not in [m["EventSourceArn"] for m in mappings]:
            fail(
                problems,
                f"{logical} (mailer) does not read the table's stream {stream}: {[m['EventSourceArn'] for m in mappings]}",
            )
    if not mailer:
        fail(problems, "no function runs the mailer binary")

    # The imports bucket notifies the import function of files under imports/.
    importer = [function_arns[l] for l, b in names.items() if b == "import" and l in function_arns]
    s3 = client("s3")
    for bucket in imports_buckets:
        notified = [
            c
            for c in s3.get_bucket_notification_configuration(Bucket=bucket).get(
                "LambdaFunctionConfigurations", []
            )
            if c["LambdaFunctionArn"] in importer
            and any(e.startswith("s3:ObjectCreated:") for e in c["Events"])
            and {"Name": "Prefix", "Value": "imports/"}
            in [
                {"Name": r["Name"].capitalize(), "Value": r["Value"]}
                for r in c.get("Filter", {}).get("Key", {}).get("FilterRules", [])
            ]
        ]
        if not notified:
            fail(
                problems,
                f"bucket {bucket} does not notify the import function of objects created under imports/",
            )
    if not imports_buckets or not importer:
        fail(problems, "no imports bucket or no import function")

    # The routes: each reaches a function of the stack that lets API Gateway invoke it; the
    # ones without an authorizer are exactly the public ones; the others check the pool's JWTs.
    gw = client("apigatewayv2")
    for api_id in of_type("AWS::ApiGatewayV2::Api").values():
        routes = gw.get_routes(ApiId=api_id)["Items"]
        integrations = {i["IntegrationId"]: i for i in gw.get_integrations(ApiId=api_id)["Items"]}
        if not routes:
            fail(problems, f"HTTP API {api_id} has no routes")
        unprotected = set()
        for route in routes:
            key = route["RouteKey"]
            target = (route.get("Target") or "").removeprefix("integrations/")
            uri = integrations.get(target, {}).get("IntegrationUri", "")
            arn = (
                uri.split("/functions/")[-1].removesuffix("/invocations")
                if "/functions/" in uri
                else uri
            )
            if arn not in function_arns.values():
                fail(
                    problems,
                    f"route {key} integrates with {arn or 'nothing'}, which is no function of the stack",
                )
            else:
                policy = json.loads(lam.get_policy(FunctionName=arn)["Policy"])
                if not any(
                    s.get("Principal", {}).get("Service") == "apigateway.amazonaws.com"
                    and f":{api_id}/" in json.dumps(s.get("Condition", {}))
                    for s in policy["Statement"]
                ):
                    fail(problems, f"route {key}: API Gateway may not invoke {arn}")
            if route.get("AuthorizationType", "NONE") == "NONE":
                unprotected.add(key)
                continue
            # (moto has GetAuthorizer, not GetAuthorizers.)
            jwt = gw.get_authorizer(ApiId=api_id, AuthorizerId=route.get("AuthorizerId", "")).get(
                "JwtConfiguration", {}
            )
            issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}"
            if jwt.get("Issuer") != issuer or jwt.get("Audience") != [client_id]:
                fail(
                    problems,
                    f"route {key}: its authorizer does not check the pool's tokens for the site's client ({jwt})",
                )
        if not public_routes:
            print(
                f"rehearsal: routes without an authorizer (not checked, no --public-route): {sorted(unprotected)}"
            )
        elif unprotected != public_routes:
            fail(
                problems,
                f"routes without an authorizer: {sorted(unprotected)}; the public routes are {sorted(public_routes)}",
            )
    return problems


def check_per_client_limits(client, name: str) -> list[str]:
    """With an API domain, the API is reachable only through the distribution (its execute-api
    address off, `api` on its domain mapped to its stage, the distribution's /api/* going to the
    domain), and the distribution carries the web ACL given."""
    problems: list[str] = []
    domain, acl = PARAMETERS.get("ApiDomainName"), PARAMETERS.get("WebAclArn")
    resources = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in client("cloudformation").describe_stack_resources(StackName=name)["StackResources"]
        # moto leaves some kinds without a physical id (an EventBridge rule's Lambda
        # permission); only the API and the distribution are looked up here.
        if r.get("LogicalResourceId") and r.get("PhysicalResourceId")
    }
    apis = client("apigatewayv2")
    api = apis.get_api(ApiId=resources["HttpApi"])
    if bool(api.get("DisableExecuteApiEndpoint")) != bool(domain):
        fail(problems, f"the execute-api address is {'on' if domain else 'off'} with ApiDomainName {domain!r}")
    config = client("cloudfront").get_distribution_config(Id=resources["SiteDistribution"])[
        "DistributionConfig"
    ]
    if (config.get("WebACLId") or None) != (acl or None):
        fail(problems, f"the distribution's web ACL is {config.get('WebACLId')!r}, not {acl!r}")
    origins = {o["Id"]: o["DomainName"] for o in (config["Origins"].get("Items") or [])}
    behaviours = {
        b["PathPattern"]: b["TargetOriginId"]
        for b in ((config.get("CacheBehaviors") or {}).get("Items") or [])
    }
    if domain:
        mappings = apis.get_api_mappings(DomainName=domain)["Items"]
        if not any(m["ApiMappingKey"] == "api" and m["ApiId"] == api["ApiId"] for m in mappings):
            fail(problems, f"{domain} does not map `api` to the HTTP API: {mappings}")
        if origins.get(behaviours.get("/api/*")) != domain:
            fail(problems, f"the distribution's /api/* does not go to {domain}: {behaviours} {origins}")
        # Only CloudFront reaches the API (issue 26): it sends the origin secret's current
        # value, which every HTTP function is given and checks (functions/core/src/origin.rs).
        api_origin = next(
            (o for o in config["Origins"].get("Items") or [] if o["DomainName"] == domain), {}
        )
        sent = {
            h["HeaderName"]: h["HeaderValue"]
            for h in (api_origin.get("CustomHeaders") or {}).get("Items") or []
        }
        secret = resources.get("OriginSecret")
        if not secret:
            fail(problems, "no OriginSecret with an API domain")
        else:
            current = json.loads(
                client("secretsmanager").get_secret_value(SecretId=secret)["SecretString"]
            )["current"]
            if sent.get("x-origin-verify") != current or len(current) < 32:
                fail(problems, f"CloudFront does not send the origin secret's current value: {sorted(sent)}")
            lam = client("lambda")
            for logical in ("EnrolFunction", "RevokeFunction"):
                env = lam.get_function_configuration(FunctionName=resources[logical])[
                    "Environment"
                ]["Variables"]
                if env.get("ORIGIN_SECRET") != secret:
                    fail(problems, f"{logical} is not given the origin secret: {env.get('ORIGIN_SECRET')!r}")
    elif "OriginSecret" in resources:
        fail(problems, "an origin secret without an API domain")
    elif "/api/*" in behaviours:
        fail(problems, "the distribution sends /api/* somewhere without an API domain")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--endpoint",
        default=os.environ.get("MOTO_ENDPOINT"),
        help="moto server (default: $MOTO_ENDPOINT)",
    )
    parser.add_argument("--template", default=str(REPO / "infra" / "template.yaml"))
    parser.add_argument("--stack-name", default=None, help="default: a new name per run")
    parser.add_argument(
        "--public-route",
        action="append",
        default=[],
        help='"METHOD /path" of a route meant to have no authorizer (repeat)',
    )
    parser.add_argument("--keep-translated", help="write the translated template here")
    parser.add_argument(
        "--parameter",
        action="append",
        default=[],
        help="KEY=VALUE, a stack parameter other than its default (repeat)",
    )
    args = parser.parse_args()
    for pair in args.parameter:
        key, _, value = pair.partition("=")
        PARAMETERS[key] = value
    if not args.endpoint:
        parser.error("--endpoint or MOTO_ENDPOINT is required")
    started = time.monotonic()

    def took() -> str:
        return f"{time.monotonic() - started:.1f} s"

    run = uuid.uuid4().hex[:8]
    stack = args.stack_name or f"rehearsal-{run}"
    client = clients(args.endpoint)
    translated_path = None
    try:
        code_uri = upload_placeholder_code(client, f"rehearsal-code-{run}")
        source, translated = translate(Path(args.template), code_uri)
        # Kept when the rehearsal fails: cfn-lint's line numbers point into it.
        translated_path = Path(
            args.keep_translated or Path(tempfile.gettempdir()) / f"{stack}-translated.json"
        )
        translated_path.write_text(json.dumps(translated, indent=1))
        print(
            f"rehearsal: translated {args.template}: {len(translated['Resources'])} resources"
            f" ({translated_path}; {took()})"
        )
        lint(translated_path)
        print(f"rehearsal: the translated template passes cfn-lint ({took()})")
        create_stack(client, stack, translated)
        print(f"rehearsal: stack {stack} created on {args.endpoint} ({took()})")
        problems = check(client, stack, source, translated, set(args.public_route))
        problems += check_per_client_limits(client, stack)
    except Failed as e:
        problems = [str(e)]
    for problem in problems:
        print(f"rehearsal: FAIL {problem}", file=sys.stderr)
    if problems:
        return 1
    if translated_path and not args.keep_translated:
        translated_path.unlink()
    print(
        f"rehearsal: every resource, output, environment, trigger and route checks out ({took()})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
