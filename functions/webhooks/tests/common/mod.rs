//! A webhook receiver on loopback for the tests: it records each request (headers and body)
//! and answers from a script of replies, the last one repeated.

#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use webhooks::{check, Policy, Secret, Sender, Target};

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub delay: Duration,
    pub body: String,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            delay: Duration::ZERO,
            body: format!("answer {status}"),
        }
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = body.into();
        self
    }
}

/// What the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

#[derive(Default)]
struct Inner {
    script: Vec<Reply>,
    answered: usize,
    received: Vec<Received>,
}

#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
    scheme: &'static str,
}

impl Receiver {
    /// A receiver on 127.0.0.1 at a free port.
    pub async fn start(script: Vec<Reply>) -> Receiver {
        Self::start_on("127.0.0.1:0".parse().unwrap(), script)
            .await
            .unwrap()
    }

    /// A receiver on a given address (a port of 0 picks a free one).
    pub async fn start_on(addr: SocketAddr, script: Vec<Reply>) -> std::io::Result<Receiver> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let inner = Arc::new(Mutex::new(Inner {
            script,
            ..Inner::default()
        }));
        let app = Router::new().fallback(receive).with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Receiver {
            addr,
            inner,
            scheme: "http",
        })
    }

    /// A receiver on 127.0.0.1 over https, with a certificate for `localhost` issued by a
    /// certificate authority made for it; the authority is returned, to be trusted or not.
    pub async fn start_https(script: Vec<Reply>) -> (Receiver, rustls::RootCertStore) {
        let (server, authority) = tls::server_for_localhost();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let inner = Arc::new(Mutex::new(Inner {
            script,
            ..Inner::default()
        }));
        let app = Router::new().fallback(receive).with_state(inner.clone());
        let listener = tls::Listener::new(listener, server);
        tokio::spawn(async move { axum::serve(listener, app).await });
        let receiver = Receiver {
            addr,
            inner,
            scheme: "https",
        };
        (receiver, authority)
    }

    /// The handshakes that failed on an https receiver (a client that did not trust it).
    pub fn refused_handshakes(&self) -> usize {
        tls::REFUSED.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// `http://127.0.0.1:<port>/hook`, or `https://localhost:<port>/hook` (the name its
    /// certificate is for).
    pub fn url(&self) -> String {
        match self.scheme {
            "https" => format!("https://localhost:{}/hook", self.addr.port()),
            _ => format!("http://{}/hook", self.addr),
        }
    }

    /// The target for this receiver, checked under the local stack's policy.
    pub async fn target(&self) -> Target {
        check(&self.url(), &LOCAL).await.unwrap()
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }
}

/// What the function builds at its cold start: the system's roots (loaded by the first
/// attempt), the convention's 15 s.
pub fn sender() -> Sender {
    Sender::with_system_roots()
}

/// The local stack's policy: plain http to loopback allowed.
pub const LOCAL: Policy = Policy {
    allow_loopback_http: true,
};

async fn receive(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let reply = {
        let mut inner = inner.lock().unwrap();
        inner.received.push(Received {
            headers,
            body: body.to_vec(),
        });
        let at = inner.answered.min(inner.script.len().saturating_sub(1));
        inner.answered += 1;
        inner
            .script
            .get(at)
            .cloned()
            .unwrap_or_else(|| Reply::status(200))
    };
    tokio::time::sleep(reply.delay).await;
    let mut response = (StatusCode::from_u16(reply.status).unwrap(), reply.body).into_response();
    for (name, value) in reply.headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

// ---- the Standard Webhooks reference library (Python), the judge of our signatures ----

const VERIFY: &str = r#"
import json, sys
from standardwebhooks.webhooks import Webhook
request = json.load(sys.stdin)
Webhook(request["secret"]).verify(request["body"].encode(), request["headers"])
"#;

pub fn python() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `bash scripts/setup.sh`",
        python.display()
    );
    python
}

/// Whether the reference library accepts what the receiver got, with this secret.
pub fn reference_verifies(secret: &Secret, got: &Received) -> bool {
    let headers: serde_json::Map<String, serde_json::Value> = got
        .headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().into()))
        .collect();
    let request = serde_json::json!({
        "secret": secret.expose(),
        "body": String::from_utf8(got.body.clone()).unwrap(),
        "headers": headers,
    });
    let mut child = Command::new(python())
        .args(["-c", VERIFY])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    serde_json::to_writer(child.stdin.take().unwrap(), &request).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() || stderr.contains("WebhookVerificationError"),
        "the verifier itself failed: {stderr}"
    );
    out.status.success()
}

// ---- https: a certificate authority of the test's own, and a listener that speaks TLS ----

mod tls {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tokio::net::{TcpListener, TcpStream};
    use tokio_rustls::server::TlsStream;
    use tokio_rustls::TlsAcceptor;

    /// Handshakes refused by any https receiver of this test binary.
    pub static REFUSED: AtomicUsize = AtomicUsize::new(0);

    fn provider() -> Arc<rustls::crypto::CryptoProvider> {
        Arc::new(rustls::crypto::aws_lc_rs::default_provider())
    }

    /// A server config for `localhost`, and the roots that trust it.
    pub fn server_for_localhost() -> (Arc<rustls::ServerConfig>, rustls::RootCertStore) {
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let authority = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
        let key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .signed_by(&key, &authority)
            .unwrap();
        let server = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .unwrap();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(authority.der().clone()).unwrap();
        (Arc::new(server), roots)
    }

    /// Accepts TCP connections and completes the TLS handshake before axum sees them; a
    /// refused handshake is counted and the next connection awaited.
    pub struct Listener {
        tcp: TcpListener,
        acceptor: TlsAcceptor,
    }

    impl Listener {
        pub fn new(tcp: TcpListener, config: Arc<rustls::ServerConfig>) -> Self {
            Listener {
                tcp,
                acceptor: TlsAcceptor::from(config),
            }
        }
    }

    impl axum::serve::Listener for Listener {
        type Io = TlsStream<TcpStream>;
        type Addr = std::net::SocketAddr;

        async fn accept(&mut self) -> (Self::Io, Self::Addr) {
            loop {
                let Ok((stream, addr)) = self.tcp.accept().await else {
                    continue;
                };
                match self.acceptor.accept(stream).await {
                    Ok(tls) => return (tls, addr),
                    Err(_) => {
                        REFUSED.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        }

        fn local_addr(&self) -> std::io::Result<Self::Addr> {
            self.tcp.local_addr()
        }
    }
}
