//! The gateway: its JWT check and the site's security headers.

use crate::helpers::*;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, MessageActionType};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_gateway_refuses_tampered_foreign_expired_and_access_tokens() {
    let (stack, tag) = stack_with_contracts("jwt").await;
    let ada_id = stack.person("contract-admin", 0).user_id.clone();
    let ada = Client::signed_in(&stack.url, &ada_id).await;
    let token = ada.token.clone().unwrap();
    let unauthorized = (401, json!({"message": "Unauthorized"}));
    let mut ada_contracts = listed_contracts(&ada).await;
    ada_contracts.sort();
    assert_eq!(ada_contracts.len(), 3, "{ada_contracts:?}");
    let contracts =
        |client: Client| async move { client.call("GET", "/api/contracts", None).await };

    // Tampered: Ada makes herself a system administrator; the signature no longer matches.
    let mut claims = payload(&token);
    claims["cognito:groups"] = json!(["system-admins"]);
    let parts: Vec<&str> = token.split('.').collect();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        B64.encode(claims.to_string()),
        parts[2]
    );
    assert_eq!(contracts(with_token(&stack, &tampered)).await, unauthorized);
    let none = format!(
        "{}.{}.",
        B64.encode(br#"{"alg":"none","typ":"JWT"}"#),
        B64.encode(claims.to_string())
    );
    assert_eq!(contracts(with_token(&stack, &none)).await, unauthorized);

    // Another pool's genuine token (the emulator signs it with the very same key).
    let other = testkit::create_user_pool(&stack.cognito, &format!("other-{tag}"))
        .await
        .unwrap();
    let email = format!("ada@other{tag}.example");
    stack
        .cognito
        .admin_create_user()
        .user_pool_id(&other.id)
        .username(&email)
        .message_action(MessageActionType::Suppress)
        .user_attributes(attribute("email", &email))
        .send()
        .await
        .unwrap();
    stack
        .cognito
        .admin_set_user_password()
        .user_pool_id(&other.id)
        .username(&email)
        .password("Other-Passw0rd!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    let signed_in = |pool: testkit::UserPool, email: String, password: &'static str| {
        let cognito = stack.cognito.clone();
        async move {
            let out = cognito
                .initiate_auth()
                .client_id(&pool.client_id)
                .auth_flow(AuthFlowType::UserPasswordAuth)
                .auth_parameters("USERNAME", email)
                .auth_parameters("PASSWORD", password)
                .send()
                .await
                .expect("InitiateAuth");
            out.authentication_result().unwrap().clone()
        }
    };
    let foreign = signed_in(other.clone(), email, "Other-Passw0rd!")
        .await
        .id_token()
        .unwrap()
        .to_owned();
    assert_eq!(contracts(with_token(&stack, &foreign)).await, unauthorized);

    // Expired: Ada's own claims signed with the emulator's key, an hour old. The same claims
    // with the original times pass, so it is the expiry that is refused.
    let genuine = payload(&token);
    let resigned = signed_by_the_emulator(&genuine);
    assert_eq!(contracts(with_token(&stack, &resigned)).await.0, 200);
    let mut old = genuine.clone();
    let now = chrono::Utc::now().timestamp();
    old["iat"] = json!(now - 3700);
    old["auth_time"] = json!(now - 3700);
    old["exp"] = json!(now - 100);
    assert_eq!(
        contracts(with_token(&stack, &signed_by_the_emulator(&old))).await,
        unauthorized
    );
    // Not yet valid, and issued in the future.
    let mut early = genuine.clone();
    early["nbf"] = json!(now + 600);
    assert_eq!(
        contracts(with_token(&stack, &signed_by_the_emulator(&early))).await,
        unauthorized
    );
    let mut future = genuine.clone();
    future["iat"] = json!(now + 600);
    assert_eq!(
        contracts(with_token(&stack, &signed_by_the_emulator(&future))).await,
        unauthorized
    );
    // Another audience (app client) of this very pool.
    let mut elsewhere = genuine.clone();
    elsewhere["aud"] = json!("another-client");
    assert_eq!(
        contracts(with_token(&stack, &signed_by_the_emulator(&elsewhere))).await,
        unauthorized
    );

    // Ada's access token (token_use access, no aud) is not an id token.
    let ada_email = stack.person("contract-admin", 0).email.clone();
    stack
        .cognito
        .admin_set_user_password()
        .user_pool_id(&stack.pool.id)
        .username(&ada_id)
        .password("Ada-Passw0rd!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    let access = signed_in(stack.pool.clone(), ada_email, "Ada-Passw0rd!")
        .await
        .access_token()
        .unwrap()
        .to_owned();
    assert_eq!(contracts(with_token(&stack, &access)).await, unauthorized);

    // And the genuine token still works, with or without "Bearer ".
    let (status, _) = contracts(with_token(&stack, &token)).await;
    assert_eq!(status, 200);
    let raw = reqwest::Client::new()
        .get(format!("{}/api/contracts", stack.url))
        .header("authorization", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 200);
    stack.stop();
}

/// The site comes with the security headers CloudFront adds in AWS (the template's
/// SiteHeadersPolicy), so the browser test runs the site under the same policy.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_site_is_served_with_the_templates_security_headers() {
    let (stack, _) = stack_with_contracts("headers").await;
    let response = reqwest::get(format!("{}/contracts", stack.url))
        .await
        .expect("the gateway answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let csp = header("content-security-policy");
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        csp.contains(&stack.emulators.aws),
        "uploads go to the emulator's S3: {csp}"
    );
    assert_eq!(header("x-frame-options"), "DENY");
    assert_eq!(header("referrer-policy"), "same-origin");
    // Compressed as CloudFront compresses it (issue 28: the first load), for a browser that
    // says it takes it; as it is for one that does not.
    let client = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap();
    for (accepts, encoding) in [("gzip, br", "br"), ("gzip", "gzip"), ("identity", "")] {
        let response = client
            .get(format!("{}/style.css", stack.url))
            .header("accept-encoding", accepts)
            .send()
            .await
            .expect("the gateway answers");
        let got = response
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        assert_eq!(got, encoding, "{accepts}");
    }
}
