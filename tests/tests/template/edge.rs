//! The site and the API at the edge: CloudFront, the origin secret, the web ACL, the CSP, the
//! single-page app's paths and its config.

use crate::helpers::{function_binaries, repo, role_statements, served_by_http};
use local_stack::template::Template;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Issue 26: with ApiDomainName the API's domain is public DNS and HTTP APIs have no resource
/// policy, so CloudFront sends a secret header and every HTTP function checks it before any
/// work (functions/core/src/origin.rs, tested on moto in core's adapters tests). Here: the
/// secret exists only with a domain, CloudFront sends its `current` value, and every function
/// behind a route is given it, may read it, and runs behind the check.
#[test]
fn with_a_domain_only_cloudfront_reaches_the_api_functions() {
    use invitations_core::origin::HEADER;
    let template = Template::load();
    let resources = template.resources();
    let secret = &resources["OriginSecret"];
    assert_eq!(secret["Type"], "AWS::SecretsManager::Secret");
    assert_eq!(secret["Condition"], "HasApiDomain");
    let generate = &secret["Properties"]["GenerateSecretString"];
    assert_eq!(generate["GenerateStringKey"], "current");
    let shape: Value = serde_json::from_str(
        generate["SecretStringTemplate"]
            .as_str()
            .expect("a JSON template"),
    )
    .expect("JSON");
    assert_eq!(shape, json!({"previous": ""}), "the shape origin.rs reads");
    assert!(generate["PasswordLength"].as_u64().unwrap_or_default() >= 32);

    let config = &resources["SiteDistribution"]["Properties"]["DistributionConfig"];
    let api_origin = &config["Origins"][1]["Fn::If"][1];
    let headers = api_origin["OriginCustomHeaders"]
        .as_array()
        .expect("the API origin's custom headers");
    let verify = headers
        .iter()
        .find(|h| h["HeaderName"] == HEADER)
        .unwrap_or_else(|| panic!("CloudFront sends {HEADER}: {headers:?}"));
    assert_eq!(
        verify["HeaderValue"],
        json!({"Fn::Sub": "{{resolve:secretsmanager:${OriginSecret}:SecretString:current}}"})
    );

    let binaries = function_binaries();
    let mut guarded = 0;
    for f in template.functions() {
        let vars = &f.properties["Environment"]["Variables"];
        let http = served_by_http(&f.binary);
        let reads_origin_secret = role_statements(&template, &f.binary)
            .iter()
            .any(|s| s["Resource"] == json!({"Ref": "OriginSecret"}));
        if !http {
            assert!(vars.get("ORIGIN_SECRET").is_none(), "{}", f.logical_id);
            assert!(!reads_origin_secret, "{}", f.logical_id);
            continue;
        }
        guarded += 1;
        assert_eq!(
            vars["ORIGIN_SECRET"],
            json!({"Fn::If": ["HasApiDomain", {"Ref": "OriginSecret"}, {"Ref": "AWS::NoValue"}]}),
            "{}",
            f.logical_id
        );
        assert!(
            reads_origin_secret,
            "{} may read the origin secret",
            f.logical_id
        );
        let main = std::fs::read_to_string(&binaries[&f.binary].main).expect("main");
        assert!(
            main.contains("origin::serve(") && !main.contains("lambda_http::run"),
            "{}: its main answers through origin::serve",
            f.binary
        );
    }
    assert_eq!(guarded, 13, "eleven admin functions, enrol and join");
}

/// Per-client limits (issue 15, item 4): with its own domain the API is reachable only through
/// the site's distribution at /api/ (its execute-api address off), the distribution carries the
/// web ACL of infra/waf.yaml, whose rate rules count per client address and single out the
/// student routes, and the stage throttles stay behind it.
#[test]
fn with_a_domain_the_api_is_reached_only_through_cloudfront_and_its_per_client_limits() {
    let template = Template::load();
    let resources = template.resources();
    let api = &resources["HttpApi"]["Properties"];
    assert_eq!(
        api["StageName"], "api",
        "CloudFront's /api/ paths map to the stage as they are"
    );
    assert_eq!(
        api["DisableExecuteApiEndpoint"],
        json!({"Fn::If": ["HasApiDomain", true, false]})
    );
    assert_eq!(
        resources["ApiDomainMapping"]["Properties"]["ApiMappingKey"],
        "api"
    );
    assert_eq!(resources["ApiDomainMapping"]["Condition"], "HasApiDomain");

    let config = &resources["SiteDistribution"]["Properties"]["DistributionConfig"];
    assert_eq!(
        config["WebACLId"],
        json!({"Fn::If": ["HasWebAcl", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]})
    );
    // Issue 26: WAF's rate-based rules cannot group IPv6 clients by /64, so with a web ACL the
    // distribution takes IPv4 only.
    assert_eq!(
        config["IPV6Enabled"],
        json!({"Fn::If": ["HasWebAcl", false, true]})
    );
    // The stage throttles are flood guards, shared by everyone: not low enough for one client
    // to shut out the others.
    let parameters = &template.doc["Parameters"];
    for name in ["PublicApiRateLimit", "PublicApiBurstLimit"] {
        assert!(
            parameters[name]["Default"].as_u64().unwrap_or_default() >= 200,
            "{name}: {}",
            parameters[name]["Default"]
        );
    }
    let api_origin = &config["Origins"][1]["Fn::If"];
    assert_eq!(api_origin[0], "HasApiDomain");
    assert_eq!(api_origin[1]["DomainName"], json!({"Ref": "ApiDomainName"}));
    let behaviour = &config["CacheBehaviors"]["Fn::If"][1][0];
    assert_eq!(behaviour["PathPattern"], "/api/*");
    assert_eq!(behaviour["TargetOriginId"], api_origin[1]["Id"]);
    // Managed policies: CachingDisabled (nobody gets another's answer) and
    // AllViewerExceptHostHeader (the Authorization header reaches the authorizer).
    assert_eq!(
        behaviour["CachePolicyId"],
        "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    );
    assert_eq!(
        behaviour["OriginRequestPolicyId"],
        "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    );
    let methods: BTreeSet<&str> = behaviour["AllowedMethods"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        methods.contains("POST") && methods.contains("OPTIONS"),
        "{methods:?}"
    );
    // Error pages would turn the API's own 403 and 404 into the app's index.html.
    assert!(config.get("CustomErrorResponses").is_none());
    let site = template.doc["Outputs"]["SiteConfig"]["Value"]["Fn::Sub"][0]
        .as_str()
        .expect("SiteConfig text");
    assert!(site.contains("\"api_base\":\"${ApiBase}\""), "{site}");

    // The web ACL's template.
    let waf: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(repo().join("infra/waf.yaml")).expect("infra/waf.yaml"),
    )
    .expect("YAML");
    let acl = &waf["Resources"]["WebAcl"]["Properties"];
    assert_eq!(acl["Scope"].as_str(), Some("CLOUDFRONT"));
    let rules = acl["Rules"].as_sequence().expect("rules");
    let rate_rules: Vec<_> = rules
        .iter()
        .filter(|r| !r["Statement"]["RateBasedStatement"].is_null())
        .collect();
    assert_eq!(
        rate_rules.len(),
        2,
        "one for the student routes, one for everything"
    );
    for rule in &rate_rules {
        let rate = &rule["Statement"]["RateBasedStatement"];
        assert_eq!(rate["AggregateKeyType"].as_str(), Some("IP"));
        assert_eq!(
            rule["Action"]["Block"]["CustomResponse"]["ResponseCode"].as_u64(),
            Some(429)
        );
    }
    let scoped: BTreeSet<String> = rate_rules[0]["Statement"]["RateBasedStatement"]
        ["ScopeDownStatement"]["OrStatement"]["Statements"]
        .as_sequence()
        .expect("the student rule names its paths")
        .iter()
        .map(|s| {
            s["ByteMatchStatement"]["SearchString"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let public: BTreeSet<String> = invitations_wire::routes::ROUTES
        .iter()
        .filter(|r| r.public)
        .map(|r| format!("/api{}", r.path))
        .collect();
    // STARTS_WITH: `/api/join` covers `/api/join/confirm` too.
    for path in &public {
        assert!(
            scoped
                .iter()
                .any(|prefix| path.starts_with(prefix.as_str())),
            "the public rule covers {path}"
        );
    }
    assert!(
        scoped.is_subset(&public),
        "the public rule names public routes only: {scoped:?}"
    );
    // The backstop: the public routes keep their own stage throttle.
    let settings = api["RouteSettings"].as_object().expect("route settings");
    for route in invitations_wire::routes::ROUTES.iter().filter(|r| r.public) {
        assert!(settings.contains_key(&route.key()), "{}", route.key());
    }
}

/// The site runs its own code only and is never framed: CloudFront adds the policy the local
/// gateway also serves (so the browser test runs the site under it).
#[test]
fn the_site_is_served_with_a_strict_content_security_policy() {
    let template = Template::load();
    let distribution = template
        .of_type("AWS::CloudFront::Distribution")
        .next()
        .expect("the site's distribution")
        .1;
    assert_eq!(
        distribution["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
            ["ResponseHeadersPolicyId"]["Ref"],
        "SiteHeadersPolicy"
    );
    let csp = template.site_content_security_policy("eu-west-1", "https://b", &[]);
    for directive in [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval';",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    // Styles: the site's own files, and the mail's inline style attributes by their hashes
    // (the Mail and reminders tab previews the mail's HTML, and CSP covers its frame too).
    let style_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("style-src "))
        .expect("a style-src");
    let mut allowed: Vec<String> = invitations_core::domain::mail::STYLES
        .iter()
        .map(|style| {
            use base64::Engine;
            use sha2::Digest;
            let hash = sha2::Sha256::digest(style.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(hash)
            )
        })
        .collect();
    allowed.insert(0, "'unsafe-hashes'".into());
    allowed.insert(0, "'self'".into());
    assert_eq!(style_src, format!("style-src {}", allowed.join(" ")));
    let security = &template.resources()["SiteHeadersPolicy"]["Properties"]
        ["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"];
    assert_eq!(security["FrameOptions"]["FrameOption"], "DENY");
    assert_eq!(security["ReferrerPolicy"]["ReferrerPolicy"], "same-origin");
    assert!(
        security["StrictTransportSecurity"]["AccessControlMaxAgeSec"].as_u64() >= Some(31_536_000)
    );
    // Issue 26: the site connects to its own hosts only: its own hosted UI and imports
    // bucket by name, and the API on its own origin when it has a domain; without one, the
    // execute-api address by pattern, in this region only (naming it would close a cycle).
    let directive = |csp: &str, name: &str| -> String {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} in {csp}"))
            .to_owned()
    };
    let own = "https://${HostedUiPrefix}.auth.eu-west-1.amazoncognito.com \
        https://${ImportsBucketName}.s3.eu-west-1.amazonaws.com";
    let with_domain = template.site_content_security_policy_in_aws("eu-west-1", true);
    assert_eq!(
        directive(&with_domain, "connect-src"),
        format!("connect-src 'self' {own}")
    );
    let without = template.site_content_security_policy_in_aws("eu-west-1", false);
    assert_eq!(
        directive(&without, "connect-src"),
        format!("connect-src 'self' https://*.execute-api.eu-west-1.amazonaws.com {own}")
    );
    for csp in [&with_domain, &without] {
        assert_eq!(
            directive(csp, "form-action"),
            "form-action 'self' https://${HostedUiPrefix}.auth.eu-west-1.amazoncognito.com"
        );
    }
    // ${HostedUiPrefix} is the hosted UI's own prefix, written the same way.
    let variables = &template.resources()["SiteHeadersPolicy"]["Properties"]
        ["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
        ["ContentSecurityPolicy"]["Fn::Sub"][1];
    assert_eq!(
        variables["HostedUiPrefix"],
        template.resources()["UserPoolDomain"]["Properties"]["Domain"]
    );
    // No inline script in the page: the policy would block it.
    let index = std::fs::read_to_string(repo().join("site/static/index.html")).expect("index.html");
    assert!(!index.contains("<script>") && !index.contains("<script type=\"module\">"));
}

/// The site's pages are the app wherever they are opened (a mailed /enrol link, a bookmarked
/// /contracts/...), while its own files are served as they are.
#[test]
fn the_site_pages_function_sends_app_paths_to_index_html_and_files_through() {
    let template = Template::load();
    let code = template.resources()["SitePagesFunction"]["Properties"]["FunctionCode"]
        .as_str()
        .expect("inline code");
    let start = code.find("\\.(").expect("the file pattern") + 3;
    let end = code[start..].find(")$").expect("end of the pattern") + start;
    let extensions: Vec<&str> = code[start..end].split('|').collect();
    let is_file = |path: &str| {
        let last = path.rsplit('/').next().unwrap_or("");
        last.rsplit_once('.')
            .is_some_and(|(_, ext)| extensions.contains(&ext))
    };
    let site = repo().join("site");
    let mut files: Vec<String> = std::fs::read_dir(site.join("static"))
        .expect("site/static")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // What scripts/build-site.sh adds beside them: the app's JavaScript and wasm.
    files.extend(["site.js".to_owned(), "site_bg.wasm".to_owned()]);
    for file in &files {
        assert!(is_file(&format!("/{file}")), "{file} is served as a file");
    }
    for page in [
        "/",
        "/enrol",
        "/contracts/DATA-SKILLS/imports",
        "/people",
        "/signed-in",
    ] {
        assert!(!is_file(page), "{page} is a page of the app");
    }
}

#[test]
fn the_site_config_output_is_a_config_the_site_reads_and_its_redirect_is_a_callback() {
    let template = Template::load();
    let sub = &template.doc["Outputs"]["SiteConfig"]["Value"]["Fn::Sub"];
    let text = sub[0].as_str().expect("SiteConfig: !Sub [text, vars]");
    // Fill every ${...} the way CloudFormation would, with plausible values.
    let mut filled = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        filled.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("closing brace") + start;
        let name = &rest[start + 2..end];
        filled.push_str(match name {
            "ApiBase" => "https://abc.execute-api.eu-west-1.amazonaws.com/api",
            "SiteDistribution.DomainName" => "d123.cloudfront.net",
            _ => "x",
        });
        rest = &rest[end + 1..];
    }
    filled.push_str(rest);
    let config = site::config::Config::parse(&filled).expect("the site reads SiteConfig");
    let site::config::SignIn::Cognito(cognito) = config.sign_in else {
        panic!("production signs in with Cognito")
    };
    assert_eq!(
        cognito.redirect_uri,
        "https://d123.cloudfront.net/signed-in"
    );
    let callbacks =
        &template.resources()["UserPoolClient"]["Properties"]["CallbackURLs"][0]["Fn::Sub"];
    assert_eq!(
        callbacks.as_str(),
        Some("https://${SiteDistribution.DomainName}/signed-in"),
        "the app client accepts the site's redirect"
    );
    let logouts = &template.resources()["UserPoolClient"]["Properties"]["LogoutURLs"][0]["Fn::Sub"];
    assert_eq!(
        cognito.logout_uri.as_deref(),
        Some("https://d123.cloudfront.net/"),
        "signing out ends the Cognito session too"
    );
    assert_eq!(
        logouts.as_str(),
        Some("https://${SiteDistribution.DomainName}/"),
        "the app client accepts the site's sign-out address"
    );
    assert_eq!(
        template.resources()["UserPoolClient"]["Properties"]["GenerateSecret"],
        json!(false),
        "a browser app client has no secret (PKCE instead)"
    );
}
