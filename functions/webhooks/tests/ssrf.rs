//! The SSRF guard: what only our network reaches is refused, with words the owner can act on,
//! at registration and at each delivery (after DNS); loopback only under the local stack's flag
//! and only over http; a delivery connects only to the addresses its check saw.

mod common;

use common::{Receiver, Reply, LOCAL};
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use webhooks::{check, check_with, headers, new_secret, Policy, Refused, Resolver};

const AWS: Policy = Policy {
    allow_loopback_http: false,
};

/// A resolver whose answers the test sets, and changes, name by name.
#[derive(Default)]
struct Dns(Mutex<HashMap<String, Vec<IpAddr>>>);

impl Dns {
    fn set(&self, name: &str, ips: &[&str]) {
        let ips = ips.iter().map(|ip| ip.parse().unwrap()).collect();
        self.0.lock().unwrap().insert(name.to_owned(), ips);
    }
}

impl Resolver for Dns {
    async fn lookup(&self, host: &str, _port: u16) -> io::Result<Vec<IpAddr>> {
        let found = self.0.lock().unwrap().get(host).cloned();
        found.ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such name"))
    }
}

async fn refused(url: &str, policy: Policy) -> String {
    match check(url, &policy).await {
        Ok(target) => panic!("{url} was allowed: {target:?}"),
        Err(refused) => refused.to_string(),
    }
}

#[tokio::test]
async fn what_only_our_network_reaches_is_refused_with_words() {
    for (url, words) in [
        ("https://127.0.0.1/hook", "resolves to 127.0.0.1, a loopback address"),
        ("https://localhost:8443/hook", "a loopback address"),
        ("https://10.1.2.3/hook", "resolves to 10.1.2.3, a private network address; webhooks go only to public addresses."),
        ("https://169.254.169.254/latest/meta-data/", "the cloud instance metadata service"),
        ("https://[::1]/hook", "resolves to ::1, a loopback address"),
        ("https://[::ffff:127.0.0.1]/hook", "an IPv4-mapped form of 127.0.0.1, a loopback address"),
        ("https://[fd00:ec2::254]/hook", "fd00:ec2::254, the cloud instance metadata service"),
        ("http://hooks.example.com/in", "Webhooks go only to https:// addresses; this one is http://."),
        ("ftp://hooks.example.com/in", "this one is ftp://"),
        ("https://ann:pw@hooks.example.com/in", "user name or password"),
        ("hooks.example.com/in", "not a web address"),
    ] {
        let got = refused(url, AWS).await;
        assert!(got.contains(words), "{url}: {got}");
    }
}

#[tokio::test]
async fn loopback_only_under_the_flag_and_only_over_http_to_loopback() {
    let receiver = Receiver::start(vec![Reply::status(200)]).await;
    let url = receiver.url();
    assert!(refused(&url, AWS).await.contains("only to https://"));
    let target = check(&url, &LOCAL).await.unwrap();
    assert_eq!(target.addresses(), [receiver.addr]);
    // The flag opens loopback, nothing else.
    assert!(refused("http://10.1.2.3/hook", LOCAL)
        .await
        .contains("only to this machine"));
    assert!(refused("https://10.1.2.3/hook", LOCAL)
        .await
        .contains("private network"));
    let dns = Dns::default();
    dns.set("hooks.example.com", &["93.184.215.14"]);
    let public_http = check_with("http://hooks.example.com/in", &LOCAL, &dns).await;
    assert_eq!(
        public_http.unwrap_err(),
        Refused::HttpNotLoopback("93.184.215.14".parse().unwrap())
    );
    // One loopback answer among public ones does not make http acceptable.
    dns.set("mixed.example.com", &["127.0.0.1", "93.184.215.14"]);
    assert!(check_with("http://mixed.example.com/in", &LOCAL, &dns)
        .await
        .is_err());
}

#[tokio::test]
async fn any_private_answer_refuses_the_name() {
    let dns = Dns::default();
    dns.set("hooks.example.com", &["93.184.215.14", "10.0.0.5"]);
    let got = check_with("https://hooks.example.com/in", &AWS, &dns).await;
    assert_eq!(
        got.unwrap_err().to_string(),
        "The address resolves to 10.0.0.5, a private network address; webhooks go only to public addresses."
    );
    let missing = check_with("https://nowhere.example.com/in", &AWS, &dns).await;
    assert!(matches!(missing, Err(Refused::Unresolvable { .. })));
}

#[tokio::test]
async fn a_name_public_at_registration_and_private_later_is_refused_at_delivery() {
    let dns = Dns::default();
    dns.set(
        "hooks.example.com",
        &["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    );
    let registered = check_with("https://hooks.example.com:8443/in", &AWS, &dns)
        .await
        .unwrap();
    assert_eq!(registered.domain(), Some("hooks.example.com"));
    assert_eq!(registered.port(), 8443);
    assert_eq!(registered.addresses().len(), 2);
    dns.set("hooks.example.com", &["169.254.169.254"]);
    let at_delivery = check_with("https://hooks.example.com:8443/in", &AWS, &dns).await;
    assert!(
        matches!(at_delivery, Err(Refused::NotPublic { ref why, .. }) if why.contains("metadata")),
        "{at_delivery:?}"
    );
}

/// The check saw `localhost` at 127.0.0.2, where receiver A listens; the system's DNS says
/// 127.0.0.1, where receiver B listens on the same port. The delivery goes to A: the client
/// connects to the checked address and never asks DNS again.
#[tokio::test]
async fn a_delivery_connects_only_to_the_checked_address() {
    let (checked, elsewhere) = same_port_pair().await;
    let dns = Dns::default();
    dns.set("localhost", &["127.0.0.2"]);
    let url = format!("http://localhost:{}/hook", checked.addr.port());
    let target = check_with(&url, &LOCAL, &dns).await.unwrap();
    assert_eq!(target.addresses(), [checked.addr]);
    let body = br#"{"id":"evt_1"}"#;
    let signed = headers(&[new_secret()], "evt_1", 1, body).unwrap();
    let attempt = common::sender().deliver(&target, &signed, body).await;
    assert_eq!(attempt.status, Some(200), "{attempt:?}");
    assert_eq!(checked.received().len(), 1);
    assert!(
        elsewhere.received().is_empty(),
        "the delivery asked DNS again"
    );
}

/// Receivers on 127.0.0.2 and 127.0.0.1 at one port (retrying while that port is taken).
async fn same_port_pair() -> (Receiver, Receiver) {
    for _ in 0..20 {
        let first = Receiver::start_on("127.0.0.2:0".parse().unwrap(), vec![Reply::status(200)])
            .await
            .expect("127.0.0.2 is loopback on Linux");
        let second: SocketAddr = format!("127.0.0.1:{}", first.addr.port()).parse().unwrap();
        if let Ok(second) = Receiver::start_on(second, vec![Reply::status(200)]).await {
            return (first, second);
        }
    }
    panic!("no port free on both 127.0.0.1 and 127.0.0.2");
}
