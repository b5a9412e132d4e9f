//! The deploy rehearsal (scripts/rehearse.py) on the moto server the tests share: the real
//! template goes through (translated, linted, created as a stack, read back), and copies broken
//! on purpose are stopped, each with a message that says what is wrong. The public routes it
//! holds the stack to are the enrol function's own (the public routes of invitations_wire::routes), not the template's.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Outcome {
    passed: bool,
    output: String,
}

fn rehearse(template: &Path) -> Outcome {
    rehearse_with(template, &[])
}

/// The rehearsal with some parameters other than their defaults (`KEY=VALUE`).
fn rehearse_with(template: &Path, parameters: &[&str]) -> Outcome {
    let root = testkit::repo_root();
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup.sh",
        python.display()
    );
    let mut command = Command::new(python);
    command
        .arg(root.join("scripts/rehearse.py"))
        .arg("--endpoint")
        .arg(&testkit::emulators().aws)
        .arg("--template")
        .arg(template);
    for route in invitations_wire::routes::ROUTES.iter().filter(|r| r.public) {
        command
            .arg("--public-route")
            .arg(format!("{} {}", route.method, route.path));
    }
    for parameter in parameters {
        command.arg("--parameter").arg(parameter);
    }
    let out = command.output().expect("run scripts/rehearse.py");
    Outcome {
        passed: out.status.success(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

fn template() -> String {
    std::fs::read_to_string(testkit::repo_root().join("infra/template.yaml")).expect("template")
}

/// A copy of the template with `from` replaced by `to`; `from` must be in it exactly once, so a
/// change to the template fails here instead of leaving the copy unbroken.
fn broken(name: &str, from: &str, to: &str) -> PathBuf {
    let text = template();
    assert_eq!(
        text.matches(from).count(),
        1,
        "the template should hold exactly once:\n{from}"
    );
    let path = std::env::temp_dir().join(format!("{name}-{}.yaml", uuid::Uuid::new_v4()));
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write the broken copy");
    path
}

fn assert_stopped(outcome: &Outcome, expected: &str) {
    assert!(
        !outcome.passed,
        "the rehearsal passed a broken template:\n{}",
        outcome.output
    );
    assert!(
        outcome.output.contains(expected),
        "the rehearsal failed, but without saying {expected:?}:\n{}",
        outcome.output
    );
}

#[test]
fn the_template_creates_a_whole_stack() {
    let outcome = rehearse(&testkit::repo_root().join("infra/template.yaml"));
    assert!(outcome.passed, "{}", outcome.output);
    assert!(
        outcome.output.contains("stack rehearsal-") && outcome.output.contains("checks out"),
        "{}",
        outcome.output
    );
}

/// The cycle the template's comment on ImportFunction warns about: the import function's role
/// names the bucket whose notification names the function. cfn-lint on the SAM source misses
/// it (it does not run the transform); on the translated template it is E3004.
#[test]
fn a_dependency_cycle_is_stopped() {
    let copy = broken(
        "cycle",
        "                Resource: !Sub\n                  - arn:${AWS::Partition}:s3:::${AWS::StackName}-imports-${Suffix}/imports/*\n                  - Suffix: !Select [0, !Split [\"-\", !Select [2, !Split [\"/\", !Ref AWS::StackId]]]]\n",
        "                Resource: !Sub ${ImportsBucket.Arn}/imports/*\n",
    );
    let outcome = rehearse(&copy);
    assert_stopped(&outcome, "E3004");
    assert_stopped(&outcome, "Circular Dependencies");
    std::fs::remove_file(copy).ok();
}

/// A route added by hand whose integration names a function by ARN that the stack does not
/// have. Nothing in the template refers to a missing resource, so cfn-lint and CloudFormation
/// take it (API Gateway would answer 500 on every call); the rehearsal reads the routes back.
#[test]
fn a_route_to_a_missing_function_is_stopped() {
    let copy = broken(
        "route",
        "\nOutputs:\n",
        r#"
  ReportsAuthorizer:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref HttpApi
      Name: reports
      AuthorizerType: JWT
      IdentitySource: [$request.header.Authorization]
      JwtConfiguration:
        Issuer: !Sub https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}
        Audience: [!Ref UserPoolClient]

  ReportsIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref HttpApi
      IntegrationType: AWS_PROXY
      PayloadFormatVersion: "2.0"
      IntegrationUri: !Sub arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${AWS::StackName}-reports

  ReportsRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref HttpApi
      RouteKey: GET /contracts/{id}/reports
      AuthorizationType: JWT
      AuthorizerId: !Ref ReportsAuthorizer
      Target: !Sub integrations/${ReportsIntegration}

Outputs:
"#,
    );
    let outcome = rehearse(&copy);
    assert_stopped(&outcome, "route GET /contracts/{id}/reports integrates with arn:aws:lambda:us-east-1:123456789012:function:rehearsal-");
    assert_stopped(&outcome, "-reports, which is no function of the stack");
    std::fs::remove_file(copy).ok();
}

/// An output naming a resource that is not in the template (say, one renamed or removed).
#[test]
fn an_output_naming_a_missing_resource_is_stopped() {
    let copy = broken(
        "output",
        "\nOutputs:\n",
        "\nOutputs:\n  ReportsBucketName:\n    Description: renamed since\n    Value: !Ref ReportsBucket\n",
    );
    let outcome = rehearse(&copy);
    assert_stopped(&outcome, "ReportsBucket");
    std::fs::remove_file(copy).ok();
}

/// A per-client limit through AWS WAF attached to the HTTP API: WAF protects REST API stages
/// only, so AWS refuses the association at deploy time; the rehearsal refuses it too.
#[test]
fn a_web_acl_on_the_http_api_is_stopped() {
    let copy = broken(
        "waf",
        "\nOutputs:\n",
        r#"
  PublicRoutesAcl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction: { Allow: {} }
      VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: public }
      Rules:
        - Name: per-client
          Priority: 0
          Action: { Block: {} }
          Statement:
            RateBasedStatement: { Limit: 100, AggregateKeyType: IP }
          VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: per-client }

  PublicRoutesAclOnApi:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      WebACLArn: !GetAtt PublicRoutesAcl.Arn
      ResourceArn: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}::/apis/${HttpApi}/stages/$default

Outputs:
"#,
    );
    let outcome = rehearse(&copy);
    assert_stopped(&outcome, "AWS WAF cannot be associated with");
    assert_stopped(&outcome, "not HTTP APIs");
    std::fs::remove_file(copy).ok();
}

/// The per-client limits as an operator sets them (README, Deploy to AWS): with an API domain
/// and a web ACL the stack still creates whole, the API's execute-api address is off, `api` on
/// its domain maps to the stage, and the distribution sends /api/* there under the web ACL. A
/// domain without its certificate is refused.
#[test]
fn the_per_client_limits_configuration_creates_too() {
    let template = testkit::repo_root().join("infra/template.yaml");
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let domain = format!("ApiDomainName=api-{tag}.learning.example");
    let outcome = rehearse_with(
        &template,
        &[
            &domain,
            "ApiCertificateArn=arn:aws:acm:us-east-1:123456789012:certificate/rehearsal",
            "WebAclArn=arn:aws:wafv2:us-east-1:123456789012:global/webacl/limits/rehearsal",
        ],
    );
    assert!(outcome.passed, "{}", outcome.output);
    let outcome = rehearse_with(
        &template,
        &[&format!("ApiDomainName=api2-{tag}.learning.example")],
    );
    assert!(
        !outcome.passed,
        "a domain without a certificate: {}",
        outcome.output
    );
}
