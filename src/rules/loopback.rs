//! What counts as this machine: the one rule for a loopback host, used wherever plain http is
//! allowed (endpoints, instances, discovery) because nothing leaves the machine.

use std::net::IpAddr;

use url::Host;

/// 127.0.0.0/8, ::1 or `localhost`.
pub(crate) fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_is_loopback() {
        let loopback = |s: &str| {
            let url = url::Url::parse(&format!("http://{s}/")).unwrap();
            is_loopback(&url.host().unwrap())
        };
        for yes in ["127.0.0.1", "127.9.9.9", "[::1]", "localhost", "LocalHost"] {
            assert!(loopback(yes), "{yes}");
        }
        for no in ["10.0.0.1", "[::2]", "localhost.example.com", "example.com"] {
            assert!(!loopback(no), "{no}");
        }
    }
}
