//! The SSRF guard: an endpoint's owner picks the URL, our Lambda makes the request, so the URL
//! must not reach what only our network can reach (the instance metadata service and its
//! credentials, the VPC's private addresses, this machine).
//!
//! [`check`] runs at registration and again before every delivery: a name that was public
//! when registered may point at 10.0.0.5 tomorrow. It refuses the URL if ANY address the name
//! resolves to is not public, and the [`Target`] it returns holds those checked addresses; the
//! delivery connects only to them (`attempt`), so a second DNS answer between the check and
//! the connection (DNS rebinding) is never used.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use url::{Host, Url};

/// What the environment allows beyond public HTTPS.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// The local stack's receivers listen on 127.0.0.1 over plain http: with this set, http is
    /// allowed when every address is loopback, and loopback addresses pass. Never set in AWS.
    pub allow_loopback_http: bool,
}

/// Where a checked URL may be delivered: the URL, and the only addresses to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    url: Url,
    domain: Option<String>,
    addrs: Vec<SocketAddr>,
}

impl Target {
    pub fn url(&self) -> &Url {
        &self.url
    }
    /// The DNS name to pin to [`Target::addresses`]; `None` when the URL holds an IP address.
    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }
    pub fn port(&self) -> u16 {
        self.addrs.first().map_or(443, SocketAddr::port)
    }
    /// The checked addresses, each public (or loopback under the local stack's policy).
    pub fn addresses(&self) -> &[SocketAddr] {
        &self.addrs
    }
}

/// Looks a name up. The system's resolver in production; tests give their own to make a
/// name's answer change between two checks.
pub trait Resolver: Send + Sync {
    fn lookup(&self, host: &str, port: u16)
        -> impl Future<Output = io::Result<Vec<IpAddr>>> + Send;
}

/// The operating system's resolver (`getaddrinfo` through tokio).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemResolver;

impl Resolver for SystemResolver {
    async fn lookup(&self, host: &str, port: u16) -> io::Result<Vec<IpAddr>> {
        let found = tokio::net::lookup_host((host, port)).await?;
        Ok(found.map(|addr| addr.ip()).collect())
    }
}

/// Why a URL was refused, in words the endpoint's owner can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("This is not a web address ({0}); give the endpoint's full https:// address.")]
    NotAUrl(String),
    #[error("Webhooks go only to https:// addresses; this one is {0}://.")]
    Scheme(String),
    #[error(
        "Plain http:// goes only to this machine on the local stack; the address resolves to \
         {0}. Use https://."
    )]
    HttpNotLoopback(IpAddr),
    #[error(
        "The address carries a user name or password; remove them (deliveries are signed \
         instead)."
    )]
    Credentials,
    #[error("The address has no host name.")]
    NoHost,
    #[error("The name {host} could not be resolved ({reason}); check its spelling and DNS.")]
    Unresolvable { host: String, reason: String },
    #[error("The address resolves to {ip}, {why}; webhooks go only to public addresses.")]
    NotPublic { ip: IpAddr, why: String },
}

/// [`check_with`] the system's resolver.
pub async fn check(url: &str, policy: &Policy) -> Result<Target, Refused> {
    check_with(url, policy, &SystemResolver).await
}

/// Parses `url` and resolves its host; refuses it unless it is https (or, under the local
/// policy, http to loopback), carries no credentials, and every address is public.
pub async fn check_with(
    url: &str,
    policy: &Policy,
    resolver: &impl Resolver,
) -> Result<Target, Refused> {
    let url = Url::parse(url.trim()).map_err(|e| Refused::NotAUrl(e.to_string()))?;
    let http = match url.scheme() {
        "https" => false,
        "http" if policy.allow_loopback_http => true,
        other => return Err(Refused::Scheme(other.to_owned())),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refused::Credentials);
    }
    let port = url.port_or_known_default().ok_or(Refused::NoHost)?;
    let (domain, ips) = match url.host().ok_or(Refused::NoHost)? {
        Host::Ipv4(ip) => (None, vec![IpAddr::V4(ip)]),
        Host::Ipv6(ip) => (None, vec![IpAddr::V6(ip)]),
        Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_owned();
            let unresolvable = |reason: String| Refused::Unresolvable {
                host: name.clone(),
                reason,
            };
            let ips = resolver
                .lookup(&name, port)
                .await
                .map_err(|e| unresolvable(e.to_string()))?;
            if ips.is_empty() {
                return Err(unresolvable("no addresses".into()));
            }
            (Some(name), ips)
        }
    };
    for &ip in &ips {
        let loopback = is_loopback(ip);
        if http && !loopback {
            return Err(Refused::HttpNotLoopback(ip));
        }
        if loopback && policy.allow_loopback_http {
            continue;
        }
        if let Some(why) = not_public(ip) {
            return Err(Refused::NotPublic { ip, why });
        }
    }
    let addrs = ips
        .into_iter()
        .map(|ip| SocketAddr::new(ip, port))
        .collect();
    Ok(Target { url, domain, addrs })
}

/// Loopback in its plain forms only (127/8, ::1): what the local stack's policy lets through.
fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback(),
    }
}

/// Why `ip` is not a public address, or `None` when it is.
pub fn not_public(ip: IpAddr) -> Option<String> {
    match ip {
        IpAddr::V4(v4) => v4_not_public(v4).map(str::to_owned),
        IpAddr::V6(v6) => v6_not_public(v6),
    }
}

fn v4_not_public(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip == Ipv4Addr::new(169, 254, 169, 254) => "the cloud instance metadata service",
        _ if ip == Ipv4Addr::new(169, 254, 170, 2) => "the container credentials service",
        (0, _, _) => "an unspecified (\"this network\") address",
        (127, _, _) => "a loopback address (the machine itself)",
        (10, _, _) | (192, 168, _) => "a private network address",
        (172, 16..=31, _) => "a private network address",
        (100, 64..=127, _) => "a carrier-grade NAT (shared) address",
        (169, 254, _) => "a link-local address",
        (224..=239, _, _) => "a multicast address",
        _ if ip.is_broadcast() => "the broadcast address",
        (240..=255, _, _) => "a reserved address",
        (192, 0, 0) | (198, 18..=19, _) => "a reserved address",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        _ => return None,
    })
}

fn v6_not_public(ip: Ipv6Addr) -> Option<String> {
    let seg = ip.segments();
    // IPv6 forms that carry an IPv4 address: judged by the address they carry.
    let carried = match seg {
        [0, 0, 0, 0, 0, 0xffff, ..] => Some(("an IPv4-mapped form of", 6)),
        [0, 0, 0, 0, 0xffff, 0, ..] => Some(("an IPv4-translated form of", 6)),
        [0, 0, 0, 0, 0, 0, ..] if seg[6] != 0 => Some(("an IPv4-compatible form of", 6)),
        [0x64, 0xff9b, 0, 0, 0, 0, ..] => Some(("a NAT64 form of", 6)),
        [0x2002, ..] => Some(("a 6to4 form of", 1)),
        _ => None,
    };
    if let Some((form, at)) = carried {
        let v4 = Ipv4Addr::new(
            (seg[at] >> 8) as u8,
            seg[at] as u8,
            (seg[at + 1] >> 8) as u8,
            seg[at + 1] as u8,
        );
        return v4_not_public(v4).map(|why| format!("{form} {v4}, {why}"));
    }
    let why = match seg {
        _ if ip.is_unspecified() => "the unspecified address",
        _ if ip.is_loopback() => "a loopback address (the machine itself)",
        [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254] => "the cloud instance metadata service",
        [0x64, 0xff9b, 1, ..] => "a local NAT64 address",
        [0, 0, 0, 0, 0, 0, ..] => "an IPv4-compatible address",
        [0x100, 0, 0, 0, ..] => "a discard-only address",
        [0x2001, 0, ..] => "a Teredo tunnel address",
        [0x2001, 0xdb8, ..] => "a documentation address",
        [s, ..] if s & 0xfe00 == 0xfc00 => "a unique-local (private) IPv6 address",
        [s, ..] if s & 0xffc0 == 0xfe80 => "a link-local address",
        [s, ..] if s & 0xffc0 == 0xfec0 => "a site-local (private) IPv6 address",
        [s, ..] if s & 0xff00 == 0xff00 => "a multicast address",
        _ => return None,
    };
    Some(why.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(ip: &str) -> Option<String> {
        not_public(ip.parse().unwrap())
    }

    #[test]
    fn every_non_public_range_is_named() {
        for (ip, words) in [
            ("10.0.0.5", "private network"),
            ("172.31.255.1", "private network"),
            ("192.168.1.1", "private network"),
            ("100.64.0.1", "carrier-grade NAT"),
            ("169.254.169.254", "metadata"),
            ("169.254.170.2", "container credentials"),
            ("169.254.1.1", "link-local"),
            ("0.1.2.3", "unspecified"),
            ("127.8.8.8", "loopback"),
            ("239.1.1.1", "multicast"),
            ("255.255.255.255", "broadcast"),
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("fd00:ec2::254", "metadata"),
            ("fd12::1", "unique-local"),
            ("fe80::1", "link-local"),
            ("ff02::1", "multicast"),
            ("::ffff:10.0.0.1", "IPv4-mapped form of 10.0.0.1, a private"),
            (
                "::ffff:169.254.169.254",
                "mapped form of 169.254.169.254, the cloud",
            ),
            (
                "::127.0.0.1",
                "IPv4-compatible form of 127.0.0.1, a loopback",
            ),
            ("64:ff9b::a9fe:a9fe", "NAT64 form of 169.254.169.254"),
            ("2002:c0a8:0101::1", "6to4 form of 192.168.1.1"),
        ] {
            let got = why(ip).unwrap_or_else(|| panic!("{ip} passed"));
            assert!(got.contains(words), "{ip}: {got}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "93.184.215.14",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert_eq!(why(ip), None, "{ip}");
        }
    }
}
