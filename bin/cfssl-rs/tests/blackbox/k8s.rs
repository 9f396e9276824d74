//! The Kubernetes round-trip through the real binary, checked by the real tools: `kubectl`
//! (offline: client-side dry runs, `config view`, and a loopback discovery stub where
//! kubectl insists on asking a server what a CertificateSigningRequest is), `etcd` and
//! `etcdctl` (a two-member cluster on loopback with mutual TLS everywhere), and `openssl`
//! for every certificate.
//!
//! Tools that are missing make the tests fail with the tool's name (`scripts/test`
//! installs them), never skip.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests report failures by panicking"
)]

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{Dir, Run, require_tool};
use serde_json::{Value, json};

const CLIENT_SIGNER: &str = "kubernetes.io/kube-apiserver-client";
const KUBELET_CLIENT_SIGNER: &str = "kubernetes.io/kube-apiserver-client-kubelet";
const KUBELET_SERVING_SIGNER: &str = "kubernetes.io/kubelet-serving";

fn kthw(file: &str) -> String {
    format!("{}/../../testdata/kthw/{file}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs an outside tool in the scratch directory with a private HOME and no kubeconfig,
/// so nothing outside the directory is read or written.
fn tool(d: &Dir, program: &str, args: &[&str], stdin: &[u8]) -> Run {
    require_tool(program);
    let home = d.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut child = Command::new(program)
        .args(args)
        .current_dir(d.tmp.path())
        .env("HOME", &home)
        .env("KUBECONFIG", d.path("no-such-kubeconfig"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    child.stdin.take().unwrap().write_all(stdin).ok();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn kubectl(d: &Dir, args: &[&str], stdin: &[u8]) -> Run {
    tool(d, "kubectl", args, stdin)
}

/// `{"cert","key"}` of a cfssl-rs run saved as NAME.pem and NAME-key.pem.
fn save_pair(d: &Dir, r: &Run, name: &str) {
    r.ok();
    d.save(r, "cert", &format!("{name}.pem"));
    d.save(r, "key", &format!("{name}-key.pem"));
}

/// A CSR (and its key) for a request JSON, saved as NAME.csr and NAME-key.pem.
fn make_csr(d: &Dir, name: &str, request: &str) {
    d.write(&format!("{name}-csr.json"), request);
    let r = d.cfssl(&["genkey", &format!("{name}-csr.json")]);
    r.ok();
    d.save(&r, "csr", &format!("{name}.csr"));
    d.save(&r, "key", &format!("{name}-key.pem"));
}

fn leaf(d: &Dir, ca: &str, config: &str, profile: &str, name: &str, request: &str) {
    d.write(&format!("{name}-csr.json"), request);
    let r = d.cfssl(&[
        "gencert",
        &format!("-ca={ca}.pem"),
        &format!("-ca-key={ca}-key.pem"),
        &format!("-config={config}"),
        &format!("-profile={profile}"),
        &format!("{name}-csr.json"),
    ]);
    save_pair(d, &r, name);
}

fn b64_field(v: &Value, pointer: &str) -> Vec<u8> {
    let text = v
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {pointer} in {v}"));
    STANDARD.decode(text).unwrap()
}

/// The base64 field at `pointer` holds exactly the bytes of `file`.
fn assert_b64_field_is_file(v: &Value, pointer: &str, d: &Dir, file: &str) {
    assert_eq!(
        b64_field(v, pointer),
        d.read(file).as_bytes(),
        "{pointer} is not {file}"
    );
}

fn openssl_verify(d: &Dir, ca: &str, cert: &str) {
    let r = d.openssl(&["verify", "-CAfile", ca, cert]);
    assert_eq!(r.code, 0, "openssl verify {cert}: {}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(": OK"), "{}", r.stdout);
}

// ------------------------------------------------------------------ kubectl, offline

#[test]
fn kubectl_create_secret_tls_accepts_our_pairs() {
    let d = Dir::new();
    for (algo, key) in [
        ("rsa", r#"{"algo":"rsa","size":2048}"#),
        ("ecdsa", r#"{"algo":"ecdsa","size":256}"#),
        ("ed25519", r#"{"algo":"ed25519"}"#),
    ] {
        d.root_ca(&format!("ca-{algo}"), key);
        let ca = format!("ca-{algo}");
        d.write(
            "cfg.json",
            r#"{"signing":{"profiles":{"www":{"expiry":"24h","usages":["digital signature","key encipherment","server auth"]}}}}"#,
        );
        leaf(
            &d,
            &ca,
            "cfg.json",
            "www",
            &format!("www-{algo}"),
            &format!(r#"{{"CN":"www.example.net","hosts":["www.example.net"],"key":{key}}}"#),
        );
        let cert = format!("www-{algo}.pem");
        let key_file = format!("www-{algo}-key.pem");
        openssl_verify(&d, &format!("{ca}.pem"), &cert);
        let r = kubectl(
            &d,
            &[
                "create",
                "secret",
                "tls",
                "x",
                "--cert",
                &cert,
                "--key",
                &key_file,
                "--dry-run=client",
                "-o",
                "json",
            ],
            b"",
        );
        assert_eq!(r.code, 0, "kubectl refused the {algo} pair: {}", r.stderr);
        let secret: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(secret["type"], "kubernetes.io/tls");
        assert_b64_field_is_file(&secret, "/data/tls.crt", &d, &cert);
        assert_b64_field_is_file(&secret, "/data/tls.key", &d, &key_file);
    }
    // The check is real: a key that is not the certificate's is refused.
    let r = kubectl(
        &d,
        &[
            "create",
            "secret",
            "tls",
            "x",
            "--cert",
            "www-rsa.pem",
            "--key",
            "www-ecdsa-key.pem",
            "--dry-run=client",
            "-o",
            "json",
        ],
        b"",
    );
    assert_ne!(r.code, 0, "kubectl accepted a mismatched pair");
}

#[test]
fn kubeconfig_round_trips_through_kubectl() {
    let d = Dir::new();
    // Kubernetes the Hard Way's CA, admin and worker-0 from its own request files.
    let r = d.cfssl(&["gencert", "-initca", &kthw("ca-csr.json")]);
    save_pair(&d, &r, "ca");
    for (name, hostname) in [("admin", None), ("worker-0", Some("worker-0,10.240.0.20"))] {
        let mut args = vec![
            "gencert".to_owned(),
            "-ca=ca.pem".into(),
            "-ca-key=ca-key.pem".into(),
            format!("-config={}", kthw("ca-config.json")),
            "-profile=kubernetes".into(),
        ];
        if let Some(h) = hostname {
            args.push(format!("-hostname={h}"));
        }
        args.push(kthw(&format!("{name}-csr.json")));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = d.cfssl(&args);
        save_pair(&d, &r, name);
        openssl_verify(&d, "ca.pem", &format!("{name}.pem"));
    }

    for (user, cert, context, json_flag) in [
        ("admin", "admin", None, false),
        ("system:node:worker-0", "worker-0", Some("default"), false),
        ("admin", "admin", Some("weird: \"name\" #1"), true),
    ] {
        let cert_file = format!("{cert}.pem");
        let key_file = format!("{cert}-key.pem");
        let mut args = vec![
            "k8s-kubeconfig",
            "-cluster",
            "kubernetes-the-hard-way",
            "-server",
            "https://127.0.0.1:6443",
            "-ca",
            "ca.pem",
            "-cert",
            &cert_file,
            "-key",
            &key_file,
            "-user",
            user,
        ];
        if let Some(c) = context {
            args.extend(["-context", c]);
        }
        if json_flag {
            args.push("-json");
        }
        let r = d.cfssl(&args);
        r.ok();
        assert!(!r.stderr.contains("WARNING"), "{}", r.stderr);
        d.write("out.kubeconfig", &r.stdout);

        let view = kubectl(
            &d,
            &[
                "config",
                "view",
                "--kubeconfig",
                "out.kubeconfig",
                "--raw",
                "-o",
                "json",
            ],
            b"",
        );
        assert_eq!(view.code, 0, "{}", view.stderr);
        let v: Value = serde_json::from_str(&view.stdout).unwrap();
        let context_name =
            context.map_or_else(|| format!("{user}@kubernetes-the-hard-way"), str::to_owned);
        assert_eq!(v["current-context"], context_name.as_str(), "{v}");
        assert_eq!(v["clusters"][0]["name"], "kubernetes-the-hard-way");
        assert_eq!(
            v["clusters"][0]["cluster"]["server"],
            "https://127.0.0.1:6443"
        );
        assert_eq!(v["contexts"][0]["name"], context_name.as_str());
        assert_eq!(
            v["contexts"][0]["context"],
            json!({"cluster": "kubernetes-the-hard-way", "user": user})
        );
        assert_eq!(v["users"][0]["name"], user);
        assert_b64_field_is_file(
            &v,
            "/clusters/0/cluster/certificate-authority-data",
            &d,
            "ca.pem",
        );
        assert_b64_field_is_file(&v, "/users/0/user/client-certificate-data", &d, &cert_file);
        assert_b64_field_is_file(&v, "/users/0/user/client-key-data", &d, &key_file);
        // kubectl resolves the context to our cluster and user.
        let minify = kubectl(
            &d,
            &[
                "config",
                "view",
                "--kubeconfig",
                "out.kubeconfig",
                "--minify",
                "--raw",
                "-o",
                "json",
            ],
            b"",
        );
        assert_eq!(minify.code, 0, "{}", minify.stderr);
    }

    // Inputs are checked: a key that is not the certificate's is an error.
    let r = d.cfssl(&[
        "k8s-kubeconfig",
        "-cluster",
        "c",
        "-server",
        "https://h",
        "-ca",
        "ca.pem",
        "-cert",
        "admin.pem",
        "-key",
        "worker-0-key.pem",
        "-user",
        "u",
    ]);
    r.fails_with("does not belong to the client certificate");
    let r = d.cfssl(&["k8s-kubeconfig", "-cluster", "c", "-server", "https://h"]);
    r.fails_with("k8s-kubeconfig needs -ca");
}

/// A loopback stand-in for the API server's discovery endpoints, which `kubectl create
/// --dry-run=client` reads to learn what a CertificateSigningRequest is (it sends nothing
/// else). Serves at most `limit` requests; the thread ends with the test process.
fn discovery_stub(limit: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(limit) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                match reader.read_line(&mut header) {
                    Ok(n) if n > 2 => {}
                    _ => break,
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .split('?')
                .next()
                .unwrap_or("")
                .to_owned();
            let body = match path.as_str() {
                "/api" => json!({"kind": "APIVersions", "versions": ["v1"],
                    "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
                "/apis" => json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": [{
                    "name": "certificates.k8s.io",
                    "versions": [{"groupVersion": "certificates.k8s.io/v1", "version": "v1"}],
                    "preferredVersion": {"groupVersion": "certificates.k8s.io/v1", "version": "v1"}}]}),
                "/api/v1" => {
                    json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": []})
                }
                "/apis/certificates.k8s.io/v1" => {
                    json!({"kind": "APIResourceList", "apiVersion": "v1",
                    "groupVersion": "certificates.k8s.io/v1", "resources": [{
                        "name": "certificatesigningrequests", "singularName": "certificatesigningrequest",
                        "namespaced": false, "kind": "CertificateSigningRequest",
                        "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
                        "shortNames": ["csr"]}]})
                }
                _ => Value::Null,
            };
            let response = if body.is_null() {
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_owned()
            } else {
                let text = body.to_string();
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                )
            };
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

#[test]
fn csr_manifest_parses_with_kubectl_create() {
    let d = Dir::new();
    make_csr(
        &d,
        "jane",
        r#"{"CN":"jane","names":[{"O":"app-team"}],"key":{"algo":"rsa","size":2048}}"#,
    );
    let server = discovery_stub(200);
    let cache = d.path("kube-cache");
    let cache = cache.to_str().unwrap();
    for (signer, extra) in [
        (CLIENT_SIGNER, vec!["-expiration", "24h"]),
        (
            "example.com/serving",
            vec!["-usages", "digital signature, key encipherment,server auth"],
        ),
    ] {
        let mut args = vec!["k8s-csr", "-name", "jane", "-signer", signer];
        args.extend(extra.iter().copied());
        args.push("jane.csr");
        let yaml = d.cfssl(&args);
        yaml.ok();
        args.insert(1, "-json");
        let json_run = d.cfssl(&args);
        let ours = json_run.json();
        for input in [&yaml.stdout, &json_run.stdout] {
            let r = kubectl(
                &d,
                &[
                    "create",
                    "--dry-run=client",
                    "-f",
                    "-",
                    "-o",
                    "json",
                    "--validate=false",
                    "--server",
                    &server,
                    "--cache-dir",
                    cache,
                ],
                input.as_bytes(),
            );
            assert_eq!(r.code, 0, "kubectl create: {}", r.stderr);
            let theirs: Value = serde_json::from_str(&r.stdout).unwrap();
            assert_eq!(theirs, ours, "kubectl read something else from:\n{input}");
        }
        // The request is the CSR, as a CERTIFICATE REQUEST block that openssl verifies.
        let request = b64_field(&ours, "/spec/request");
        assert_eq!(request, d.read("jane.csr").as_bytes());
        d.write("request.pem", &request);
        let v = d.openssl(&["req", "-in", "request.pem", "-noout", "-verify"]);
        assert_eq!(v.code, 0, "{}", v.stderr);
    }
    let yaml = d.cfssl(&[
        "k8s-csr",
        "-name",
        "jane",
        "-signer",
        CLIENT_SIGNER,
        "jane.csr",
    ]);
    assert!(
        yaml.stdout
            .contains("  usages:\n  - digital signature\n  - key encipherment\n  - client auth\n"),
        "{}",
        yaml.stdout
    );
    // What the API would refuse, we refuse.
    d.cfssl(&[
        "k8s-csr",
        "-name",
        "Jane",
        "-signer",
        CLIENT_SIGNER,
        "jane.csr",
    ])
    .fails_with("invalid name");
    d.cfssl(&[
        "k8s-csr",
        "-name",
        "jane",
        "-signer",
        CLIENT_SIGNER,
        "-expiration",
        "9m",
        "jane.csr",
    ])
    .fails_with("may not specify a duration less than 600 seconds");
    d.cfssl(&[
        "k8s-csr",
        "-name",
        "jane",
        "-signer",
        "kubernetes.io/legacy-unknown",
        "jane.csr",
    ])
    .fails_with("legacy-unknown is not accepted");
    d.cfssl(&[
        "k8s-csr",
        "-name",
        "jane",
        "-signer",
        "example.com/x",
        "jane.csr",
    ])
    .fails_with("-usages");
    d.cfssl(&[
        "k8s-csr",
        "-name",
        "jane",
        "-signer",
        CLIENT_SIGNER,
        "-usages",
        "client-auth",
        "jane.csr",
    ])
    .fails_with("unknown usage \"client-auth\"");
}

// ------------------------------------------------------------------ review

/// The object as `kubectl get csr NAME -o json` prints it after creation (and approval).
fn csr_object(d: &Dir, name: &str, signer: &str, usages: &str, condition: Option<&str>) -> String {
    let mut args = vec!["k8s-csr", "-json", "-name", "obj", "-signer", signer];
    if !usages.is_empty() {
        args.extend(["-usages", usages]);
    }
    let csr = format!("{name}.csr");
    args.push(&csr);
    let r = d.cfssl(&args);
    r.ok();
    let mut v = r.json();
    v["metadata"]["resourceVersion"] = json!("4711");
    v["metadata"]["uid"] = json!("0b6f3d3e-5f0a-4c7e-9d0e-000000000001");
    v["spec"]["username"] = json!("kubernetes-admin");
    v["spec"]["groups"] = json!(["system:masters", "system:authenticated"]);
    v["status"] = match condition {
        Some(kind) => json!({"conditions": [{
            "type": kind, "status": "True", "reason": "KubectlApprove",
            "message": "This CSR was approved by kubectl certificate approve.",
            "lastTransitionTime": "2025-01-01T00:00:00Z", "lastUpdateTime": "2025-01-01T00:00:00Z"}]}),
        None => json!({}),
    };
    v.to_string()
}

/// Runs k8s-review on the object over stdin; returns the run.
fn review(d: &Dir, object: &str) -> Run {
    let r = d.cfssl_stdin(&["k8s-review", "-"], object.as_bytes());
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r
}

fn assert_flagged(r: &Run, check: &str) {
    assert_eq!(
        r.code, 2,
        "expected exit 2 (flagged)\n{}\n{}",
        r.stdout, r.stderr
    );
    assert!(
        r.stdout.contains(&format!("[{check}]")),
        "no [{check}] in:\n{}",
        r.stdout
    );
    assert!(r.stderr.contains("flagged"), "{}", r.stderr);
}

const EC: &str = r#""key":{"algo":"ecdsa","size":256}"#;

#[test]
fn review_passes_plain_user_and_node_requests() {
    let d = Dir::new();
    make_csr(
        &d,
        "user",
        &format!(r#"{{"CN":"jane","names":[{{"O":"app-team"}}],{EC}}}"#),
    );
    let r = review(&d, &csr_object(&d, "user", CLIENT_SIGNER, "", None));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    for line in [
        "user:         jane\n",
        "groups:       app-team\n",
        "signer:       kubernetes.io/kube-apiserver-client\n",
        "status:       Pending\n",
        "requested by: kubernetes-admin (groups: system:masters, system:authenticated)\n",
        "usages:       digital signature, client auth\n",
        "key:          ecdsa-256\n",
        "verdict:      clean",
    ] {
        assert!(r.stdout.contains(line), "no {line:?} in:\n{}", r.stdout);
    }

    make_csr(
        &d,
        "node",
        &format!(r#"{{"CN":"system:node:worker-0","names":[{{"O":"system:nodes"}}],{EC}}}"#),
    );
    let r = review(&d, &csr_object(&d, "node", KUBELET_CLIENT_SIGNER, "", None));
    assert_eq!(r.code, 0, "{}", r.stdout);

    make_csr(
        &d,
        "serving",
        &format!(
            r#"{{"CN":"system:node:worker-0","names":[{{"O":"system:nodes"}}],"hosts":["worker-0","10.240.0.20"],{EC}}}"#
        ),
    );
    let r = review(
        &d,
        &csr_object(&d, "serving", KUBELET_SERVING_SIGNER, "", None),
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("SANs:         DNS:worker-0, IP:10.240.0.20\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("note:         check that 10.240.0.20 is node worker-0's"),
        "{}",
        r.stdout
    );

    // The PEM CSR alone, and a List, and -json.
    let r = d.cfssl(&["k8s-review", "user.csr"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let list = format!(
        r#"{{"apiVersion":"v1","kind":"List","items":[{},{}]}}"#,
        csr_object(&d, "user", CLIENT_SIGNER, "", None),
        csr_object(&d, "node", KUBELET_CLIENT_SIGNER, "", None)
    );
    let r = d.cfssl_stdin(&["k8s-review", "-json", "-"], list.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v[0]["user"], "jane");
    assert_eq!(v[1]["groups"], json!(["system:nodes"]));
    assert_eq!(v[1]["flagged"], false);

    // Not an object or CSR.
    d.cfssl_stdin(&["k8s-review", "-"], b"not an object\n")
        .fails_with("expected a CertificateSigningRequest object in YAML or JSON");
}

#[test]
fn review_flags_system_masters() {
    let d = Dir::new();
    make_csr(
        &d,
        "r",
        &format!(r#"{{"CN":"eve","names":[{{"O":"system:masters"}}],{EC}}}"#),
    );
    let r = review(&d, &csr_object(&d, "r", CLIENT_SIGNER, "", None));
    assert_flagged(&r, "cluster-admin-group");
    assert!(
        r.stdout.contains("groups:       system:masters\n"),
        "{}",
        r.stdout
    );
    // The bare PEM CSR is flagged too.
    let r = d.cfssl(&["k8s-review", "r.csr"]);
    assert_flagged(&r, "cluster-admin-group");
}

#[test]
fn review_flags_kubeadm_cluster_admins() {
    let d = Dir::new();
    make_csr(
        &d,
        "r",
        &format!(r#"{{"CN":"eve","names":[{{"O":"dev"}},{{"O":"kubeadm:cluster-admins"}}],{EC}}}"#),
    );
    assert_flagged(
        &review(&d, &csr_object(&d, "r", CLIENT_SIGNER, "", None)),
        "cluster-admin-group",
    );
}

#[test]
fn review_flags_other_system_groups_and_users() {
    let d = Dir::new();
    make_csr(
        &d,
        "g",
        &format!(r#"{{"CN":"eve","names":[{{"O":"system:kube-controller-manager"}}],{EC}}}"#),
    );
    assert_flagged(
        &review(&d, &csr_object(&d, "g", CLIENT_SIGNER, "", None)),
        "system-group",
    );
    make_csr(
        &d,
        "u",
        &format!(r#"{{"CN":"system:kube-scheduler",{EC}}}"#),
    );
    assert_flagged(
        &review(&d, &csr_object(&d, "u", CLIENT_SIGNER, "", None)),
        "system-user",
    );
}

#[test]
fn review_flags_node_names_outside_the_kubelet_signer() {
    let d = Dir::new();
    make_csr(
        &d,
        "r",
        &format!(r#"{{"CN":"system:node:worker-0","names":[{{"O":"system:nodes"}}],{EC}}}"#),
    );
    assert_flagged(
        &review(&d, &csr_object(&d, "r", CLIENT_SIGNER, "", None)),
        "node-identity",
    );
    // The kubelet signer with a subject that breaks its rules.
    make_csr(
        &d,
        "s",
        &format!(
            r#"{{"CN":"system:node:worker-0","names":[{{"O":"system:nodes"}},{{"O":"ops"}}],{EC}}}"#
        ),
    );
    assert_flagged(
        &review(&d, &csr_object(&d, "s", KUBELET_CLIENT_SIGNER, "", None)),
        "node-identity",
    );
}

#[test]
fn review_flags_kubelet_serving_sans_that_are_not_the_nodes() {
    let d = Dir::new();
    make_csr(
        &d,
        "r",
        &format!(
            r#"{{"CN":"system:node:worker-0","names":[{{"O":"system:nodes"}}],"hosts":["worker-0","kubernetes.default.svc"],{EC}}}"#
        ),
    );
    let r = review(&d, &csr_object(&d, "r", KUBELET_SERVING_SIGNER, "", None));
    assert_flagged(&r, "node-serving-sans");
    assert!(
        r.stdout
            .contains("kubernetes.default.svc is not the node's name"),
        "{}",
        r.stdout
    );
    make_csr(
        &d,
        "e",
        &format!(
            r#"{{"CN":"system:node:worker-0","names":[{{"O":"system:nodes"}}],"hosts":["worker-0","ops@example.com"],{EC}}}"#
        ),
    );
    assert_flagged(
        &review(&d, &csr_object(&d, "e", KUBELET_SERVING_SIGNER, "", None)),
        "node-serving-sans",
    );
    make_csr(
        &d,
        "n",
        &format!(r#"{{"CN":"system:node:worker-0","names":[{{"O":"system:nodes"}}],{EC}}}"#),
    );
    assert_flagged(
        &review(&d, &csr_object(&d, "n", KUBELET_SERVING_SIGNER, "", None)),
        "node-serving-sans",
    );
}

#[test]
fn review_flags_usages_that_do_not_fit_the_signer() {
    let d = Dir::new();
    make_csr(&d, "r", &format!(r#"{{"CN":"jane",{EC}}}"#));
    let r = review(
        &d,
        &csr_object(
            &d,
            "r",
            CLIENT_SIGNER,
            "digital signature,server auth",
            None,
        ),
    );
    assert_flagged(&r, "usages");
    assert!(
        r.stdout
            .contains("\"server auth\" does not fit kube-apiserver-client"),
        "{}",
        r.stdout
    );
}

#[test]
fn review_flags_weak_keys() {
    let d = Dir::new();
    // cfssl-rs will not make an RSA-1024 key; openssl will.
    let r = d.openssl(&[
        "req",
        "-new",
        "-newkey",
        "rsa:1024",
        "-nodes",
        "-subj",
        "/O=dev/CN=jane",
        "-keyout",
        "r-key.pem",
        "-out",
        "r.csr",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = review(&d, &csr_object(&d, "r", CLIENT_SIGNER, "client auth", None));
    assert_flagged(&r, "weak-key");
    assert!(
        r.stdout.contains("key:          rsa-1024\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn review_flags_ca_requests() {
    let d = Dir::new();
    let r = d.openssl(&[
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-subj",
        "/CN=sub-ca",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-keyout",
        "r-key.pem",
        "-out",
        "r.csr",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = review(&d, &csr_object(&d, "r", CLIENT_SIGNER, "client auth", None));
    assert_flagged(&r, "ca-request");
}

// ------------------------------------------------------------------ k8s-sign

fn sign_setup(d: &Dir) {
    d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.write(
        "cfg.json",
        r#"{"signing":{"default":{"expiry":"8760h","usages":["signing","key encipherment","server auth","client auth"]},
            "profiles":{"ca":{"expiry":"8760h","usages":["cert sign"],"ca_constraint":{"is_ca":true}}}}}"#,
    );
}

fn k8s_sign(d: &Dir, object: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "k8s-sign",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "-config",
        "cfg.json",
    ];
    args.extend_from_slice(extra);
    args.push("-");
    d.cfssl_stdin(&args, object.as_bytes())
}

fn status_certificate(d: &Dir, r: &Run, file: &str) -> Value {
    r.ok();
    let v = r.json();
    d.write(file, b64_field(&v, "/status/certificate"));
    v
}

#[test]
fn k8s_sign_signs_approved_objects_with_the_requested_lifetime() {
    let d = Dir::new();
    sign_setup(&d);
    make_csr(
        &d,
        "jane",
        &format!(r#"{{"CN":"jane","names":[{{"O":"app-team"}}],{EC}}}"#),
    );
    let mut args = vec![
        "k8s-csr",
        "-json",
        "-name",
        "jane",
        "-signer",
        CLIENT_SIGNER,
        "-expiration",
        "1h",
        "jane.csr",
    ];
    let r = d.cfssl(&args);
    let mut object = r.json();
    object["metadata"]["resourceVersion"] = json!("4711");
    object["status"] =
        json!({"conditions": [{"type": "Approved", "status": "True", "reason": "KubectlApprove"}]});
    let r = k8s_sign(&d, &object.to_string(), &[]);
    let signed = status_certificate(&d, &r, "jane.pem");
    // Everything else is handed back untouched, ready for kubectl replace --raw.
    let mut expected = object.clone();
    expected["status"]["certificate"] = signed["status"]["certificate"].clone();
    assert_eq!(signed, expected);

    openssl_verify(&d, "ca.pem", "jane.pem");
    let text = d.openssl(&["x509", "-in", "jane.pem", "-noout", "-text"]);
    text.ok();
    let t = &text.stdout;
    assert!(t.contains("Subject: O = app-team, CN = jane"), "{t}");
    assert!(t.contains("TLS Web Client Authentication"), "{t}");
    assert!(
        !t.contains("TLS Web Server Authentication"),
        "the profile's usages leaked: {t}"
    );
    assert!(t.contains("CA:FALSE"), "{t}");
    assert!(t.contains("Digital Signature"), "{t}");
    // expirationSeconds = 3600 caps the profile's 8760h.
    assert_eq!(
        d.openssl(&["x509", "-in", "jane.pem", "-noout", "-checkend", "3500"])
            .code,
        0
    );
    assert_eq!(
        d.openssl(&["x509", "-in", "jane.pem", "-noout", "-checkend", "3700"])
            .code,
        1
    );

    // Without expirationSeconds the profile decides.
    args.retain(|a| *a != "-expiration" && *a != "1h");
    let mut object = d.cfssl(&args).json();
    object["status"] = json!({"conditions": [{"type": "Approved", "status": "True"}]});
    let r = k8s_sign(&d, &object.to_string(), &[]);
    status_certificate(&d, &r, "jane-long.pem");
    assert_eq!(
        d.openssl(&[
            "x509",
            "-in",
            "jane-long.pem",
            "-noout",
            "-checkend",
            &(300 * 86_400).to_string()
        ])
        .code,
        0
    );

    // Already issued: refused.
    k8s_sign(&d, &signed.to_string(), &[]).fails_with("already has a certificate");
    // A CA profile: refused.
    k8s_sign(&d, &object.to_string(), &["-profile", "ca"]).fails_with("issues CA certificates");
}

#[test]
fn k8s_sign_refuses_expiration_seconds_under_ten_minutes() {
    let d = Dir::new();
    sign_setup(&d);
    make_csr(&d, "jane", &format!(r#"{{"CN":"jane",{EC}}}"#));
    let object = csr_object(&d, "jane", CLIENT_SIGNER, "", Some("Approved"));
    let with = |seconds: i64| {
        let mut v: Value = serde_json::from_str(&object).unwrap();
        v["spec"]["expirationSeconds"] = json!(seconds);
        v.to_string()
    };
    // The API server's rule: "may not specify a duration less than 600 seconds".
    for seconds in [-5, 0, 599] {
        let r = k8s_sign(&d, &with(seconds), &[]);
        r.fails_with(&format!(
            "spec.expirationSeconds of \"obj\" is {seconds}: may not specify a duration less than 600 seconds (10 minutes)"
        ));
    }
    let r = k8s_sign(&d, &with(600), &[]);
    status_certificate(&d, &r, "jane.pem");
    openssl_verify(&d, "ca.pem", "jane.pem");
    assert_eq!(
        d.openssl(&["x509", "-in", "jane.pem", "-noout", "-checkend", "590"])
            .code,
        0
    );
    assert_eq!(
        d.openssl(&["x509", "-in", "jane.pem", "-noout", "-checkend", "610"])
            .code,
        1
    );
}

#[test]
fn k8s_sign_refuses_pending_denied_and_failed_objects() {
    let d = Dir::new();
    sign_setup(&d);
    make_csr(&d, "jane", &format!(r#"{{"CN":"jane",{EC}}}"#));
    k8s_sign(&d, &csr_object(&d, "jane", CLIENT_SIGNER, "", None), &[])
        .fails_with("is not approved yet: approve it first (kubectl certificate approve obj)");
    k8s_sign(
        &d,
        &csr_object(&d, "jane", CLIENT_SIGNER, "", Some("Denied")),
        &[],
    )
    .fails_with("is Denied (KubectlApprove: ");
    k8s_sign(
        &d,
        &csr_object(&d, "jane", CLIENT_SIGNER, "", Some("Failed")),
        &[],
    )
    .fails_with("is Failed");
    d.cfssl(&[
        "k8s-sign",
        "-ca",
        "ca.pem",
        "-ca-key",
        "ca-key.pem",
        "jane.csr",
    ])
    .fails_with("needs the CertificateSigningRequest object");
}

#[test]
fn k8s_sign_refuses_flagged_requests_unless_allowed() {
    let d = Dir::new();
    sign_setup(&d);
    make_csr(
        &d,
        "admin",
        &format!(r#"{{"CN":"eve","names":[{{"O":"system:masters"}}],{EC}}}"#),
    );
    let object = csr_object(&d, "admin", CLIENT_SIGNER, "", Some("Approved"));
    let r = k8s_sign(&d, &object, &[]);
    r.fails_with("refusing to sign CertificateSigningRequest obj: the review flagged 1 finding");
    assert!(r.stderr.contains("[cluster-admin-group]"), "{}", r.stderr);

    let r = k8s_sign(&d, &object, &["-allow-privileged"]);
    status_certificate(&d, &r, "admin.pem");
    assert!(
        r.stderr
            .contains("[WARNING] signing despite [cluster-admin-group]"),
        "{}",
        r.stderr
    );
    openssl_verify(&d, "ca.pem", "admin.pem");
    let text = d.openssl(&["x509", "-in", "admin.pem", "-noout", "-subject"]);
    assert!(
        text.stdout.contains("O = system:masters, CN = eve"),
        "{}",
        text.stdout
    );
}

// ------------------------------------------------------------------ YAML input

fn k8s_testdata(file: &str) -> String {
    format!(
        "{}/../../crates/k8s/testdata/{file}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// `k8s-review` (text and `-json`) of `input` over stdin: (exit code, text, JSON).
fn review_both(d: &Dir, input: &str) -> (i32, String, String) {
    let text = review(d, input);
    let json = d.cfssl_stdin(&["k8s-review", "-json", "-"], input.as_bytes());
    assert_eq!(text.code, json.code, "{}\n{}", text.stderr, json.stderr);
    assert!(matches!(text.code, 0 | 2), "{}", text.stderr);
    (text.code, text.stdout, json.stdout)
}

#[test]
fn review_reads_k8s_csr_yaml_like_its_json() {
    let d = Dir::new();
    make_csr(
        &d,
        "jane",
        &format!(r#"{{"CN":"jane","names":[{{"O":"app-team"}}],{EC}}}"#),
    );
    make_csr(
        &d,
        "eve",
        r#"{"CN":"eve","names":[{"O":"system:masters"}],"key":{"algo":"rsa","size":2048}}"#,
    );
    for (csr, signer, extra) in [
        ("jane.csr", CLIENT_SIGNER, vec!["-expiration", "24h"]),
        ("eve.csr", CLIENT_SIGNER, vec![]),
        (
            "jane.csr",
            "example.com/serving",
            vec!["-usages", "digital signature,server auth"],
        ),
    ] {
        let mut args = vec!["k8s-csr", "-name", "obj", "-signer", signer];
        args.extend(extra.iter().copied());
        args.push(csr);
        let yaml = d.cfssl(&args);
        yaml.ok();
        assert!(yaml.stdout.starts_with("apiVersion: "), "{}", yaml.stdout);
        args.insert(1, "-json");
        let json_run = d.cfssl(&args);
        json_run.ok();
        let from_yaml = review_both(&d, &yaml.stdout);
        assert_eq!(
            from_yaml,
            review_both(&d, &json_run.stdout),
            "{csr} {signer}"
        );
        assert!(
            from_yaml
                .1
                .contains("request:      CertificateSigningRequest obj")
        );
        // From a file too.
        d.write("obj.yaml", &yaml.stdout);
        let r = d.cfssl(&["k8s-review", "obj.yaml"]);
        assert_eq!((r.code, r.stdout), (from_yaml.0, from_yaml.1));
    }
    // eve asks for system:masters: flagged from YAML as from JSON.
    let yaml = d.cfssl(&[
        "k8s-csr",
        "-name",
        "obj",
        "-signer",
        CLIENT_SIGNER,
        "eve.csr",
    ]);
    assert_flagged(&review(&d, &yaml.stdout), "cluster-admin-group");
}

/// `kubectl get csr jane -o yaml` after `kubectl apply` and `kubectl certificate approve`,
/// as kubectl prints it: quoted timestamps and resourceVersion, a literal block, a plain
/// scalar wrapped over two lines.
#[test]
fn review_and_sign_kubectl_get_csr_yaml() {
    let d = Dir::new();
    let fixture = k8s_testdata("kubectl-get-csr-jane.yaml");
    let r = d.cfssl(&["k8s-review", "-json", &fixture]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["name"], "jane");
    assert_eq!(v["status"], "Approved");
    assert_eq!(v["requestedBy"], "kubernetes-admin");
    assert_eq!(v["user"], "jane");
    assert_eq!(v["groups"], json!(["app-team"]));
    assert_eq!(v["expirationSeconds"], 86400);

    sign_setup(&d);
    let yaml = std::fs::read_to_string(&fixture).unwrap();
    let r = k8s_sign(&d, &yaml, &[]);
    // The object comes back as JSON, whatever form it was read in.
    let signed = status_certificate(&d, &r, "jane.pem");
    assert_eq!(signed["metadata"]["resourceVersion"], "4711");
    assert_eq!(
        signed["metadata"]["creationTimestamp"],
        "2025-06-01T10:00:00Z"
    );
    assert_eq!(signed["spec"]["expirationSeconds"], 86400);
    let condition = &signed["status"]["conditions"][0];
    assert_eq!(condition["status"], "True");
    assert_eq!(
        condition["message"],
        "This CSR was approved by kubectl certificate approve, after checking the requested identity with cfssl-rs k8s-review."
    );
    let applied =
        signed["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
            .as_str()
            .unwrap();
    assert!(applied.ends_with("]}}\n"), "{applied:?}");
    assert_eq!(
        serde_json::from_str::<Value>(applied).unwrap()["spec"]["request"],
        signed["spec"]["request"]
    );
    assert_eq!(
        b64_field(&signed, "/spec/request"),
        std::fs::read(k8s_testdata("kubectl-get-csr-jane.csr")).unwrap()
    );
    openssl_verify(&d, "ca.pem", "jane.pem");
    let subject = d.openssl(&["x509", "-in", "jane.pem", "-noout", "-subject"]);
    assert!(
        subject.stdout.contains("O = app-team, CN = jane"),
        "{}",
        subject.stdout
    );

    // kubectl get csr -o yaml: a List, reviewed item by item; k8s-sign takes one object.
    let list = k8s_testdata("kubectl-get-csr-list.yaml");
    let r = d.cfssl(&["k8s-review", "-json", &list]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v[0]["status"], "Approved");
    assert_eq!(v[1]["name"], "node-csr-x7k2p");
    assert_eq!(v[1]["status"], "Pending");
    assert_eq!(v[1]["user"], "system:node:worker-0");
    assert_eq!(v[1]["requestedBy"], "system:bootstrap:abcdef");
    let list_yaml = std::fs::read_to_string(&list).unwrap();
    k8s_sign(&d, &list_yaml, &[]).fails_with("one CertificateSigningRequest at a time");
}

#[test]
fn malformed_yaml_is_an_error_naming_the_file() {
    let d = Dir::new();
    sign_setup(&d);
    let approved = std::fs::read_to_string(k8s_testdata("kubectl-get-csr-jane.yaml")).unwrap();
    let mut bomb = String::from("a0: &a0 [lol]\n");
    for i in 1..24 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
        ));
    }
    for (text, expected) in [
        (
            "apiVersion: certificates.k8s.io/v1\nkind: [CertificateSigningRequest\n".to_owned(),
            "line 3",
        ),
        (
            "kind: CertificateSigningRequest\nmetadata:\n  name: jane\n bad: indent\n".to_owned(),
            "malformed YAML: while parsing a block mapping, did not find expected key at byte 56 line 4",
        ),
        (
            format!("{approved}---\n{approved}"),
            "more than one document",
        ),
        (
            approved.replace("  name: jane\n", "  name: jane\n  name: joe\n"),
            "duplicate key \"name\"",
        ),
        (
            approved.replace(
                "  expirationSeconds: 86400\n",
                "  86400: expirationSeconds\n",
            ),
            "mapping key 86400 is not a string",
        ),
        (bomb, "aliases expand to more than"),
    ] {
        d.write("bad.yaml", &text);
        for command in ["k8s-review", "k8s-sign"] {
            let mut args = vec![command];
            if command == "k8s-sign" {
                args.extend(["-ca", "ca.pem", "-ca-key", "ca-key.pem"]);
            }
            args.push("bad.yaml");
            let r = d.cfssl(&args);
            r.fails_with(expected);
            r.fails_with("(in bad.yaml)");
            args.pop();
            args.push("-");
            d.cfssl_stdin(&args, text.as_bytes())
                .fails_with("(in stdin)");
        }
    }
    // Not YAML's fault but still named: no kind.
    d.write("bad.yaml", "apiVersion: v1\n");
    d.cfssl(&["k8s-review", "bad.yaml"])
        .fails_with("the object has no \"kind\"");
}

/// What kubectl itself prints in YAML for our manifest reviews as our JSON does.
#[test]
fn review_reads_kubectl_yaml() {
    let d = Dir::new();
    make_csr(
        &d,
        "node",
        &format!(r#"{{"CN":"system:node:worker-0","names":[{{"O":"system:nodes"}}],{EC}}}"#),
    );
    let server = discovery_stub(100);
    let cache = d.path("kube-cache");
    let cache = cache.to_str().unwrap();
    let args = [
        "k8s-csr",
        "-name",
        "node-csr-1",
        "-signer",
        KUBELET_CLIENT_SIGNER,
        "node.csr",
    ];
    let manifest = d.cfssl(&args);
    manifest.ok();
    let r = kubectl(
        &d,
        &[
            "create",
            "--dry-run=client",
            "-f",
            "-",
            "-o",
            "yaml",
            "--validate=false",
            "--server",
            &server,
            "--cache-dir",
            cache,
        ],
        manifest.stdout.as_bytes(),
    );
    assert_eq!(r.code, 0, "kubectl create: {}", r.stderr);
    let json_manifest = d.cfssl(&[&args[..1], &["-json"], &args[1..]].concat());
    assert_eq!(
        review_both(&d, &r.stdout),
        review_both(&d, &json_manifest.stdout)
    );
}

// ------------------------------------------------------------------ etcd, mutual TLS

/// Child processes killed when the test ends, however it ends.
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn etcdctl(d: &Dir, endpoint: &str, client: &str, args: &[&str]) -> Run {
    let cert = format!("{client}.pem");
    let key = format!("{client}-key.pem");
    let mut all = vec![
        "--endpoints",
        endpoint,
        "--cacert",
        "ca.pem",
        "--cert",
        &cert,
        "--key",
        &key,
        "--dial-timeout",
        "3s",
        "--command-timeout",
        "5s",
    ];
    all.extend_from_slice(args);
    let mut r = tool(d, "etcdctl", &all, b"");
    if r.code != 0 {
        r.stderr.push_str(&format!("\n(etcdctl {})", all.join(" ")));
    }
    r
}

#[test]
fn etcd_mutual_tls_with_cfssl_rs_certificates() {
    require_tool("etcd");
    require_tool("etcdctl");
    let d = Dir::new();
    d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    d.root_ca("other-ca", r#"{"algo":"ecdsa","size":256}"#);
    d.write(
        "cfg.json",
        r#"{"signing":{"default":{"expiry":"24h"},"profiles":{
            "server":{"expiry":"24h","usages":["digital signature","key encipherment","server auth","client auth"]},
            "peer":{"expiry":"24h","usages":["digital signature","key encipherment","server auth","client auth"]},
            "client":{"expiry":"24h","usages":["digital signature","client auth"]}}}}"#,
    );
    let hosts = r#""hosts":["127.0.0.1","localhost"],"key":{"algo":"ecdsa","size":256}"#;
    leaf(
        &d,
        "ca",
        "cfg.json",
        "server",
        "server",
        &format!(r#"{{"CN":"etcd-server",{hosts}}}"#),
    );
    leaf(
        &d,
        "ca",
        "cfg.json",
        "peer",
        "peer",
        &format!(r#"{{"CN":"etcd-peer",{hosts}}}"#),
    );
    leaf(
        &d,
        "ca",
        "cfg.json",
        "client",
        "client",
        r#"{"CN":"etcd-client","key":{"algo":"rsa","size":2048}}"#,
    );
    leaf(
        &d,
        "other-ca",
        "cfg.json",
        "client",
        "intruder",
        r#"{"CN":"etcd-client","key":{"algo":"ecdsa","size":256}}"#,
    );
    for cert in ["server.pem", "peer.pem", "client.pem"] {
        openssl_verify(&d, "ca.pem", cert);
    }

    // Two members, so the peer certificates carry real mutual-TLS traffic (replication).
    let ports: Vec<(u16, u16)> = (0..2).map(|_| (free_port(), free_port())).collect();
    let cluster = ports
        .iter()
        .enumerate()
        .map(|(i, (_, peer))| format!("m{i}=https://127.0.0.1:{peer}"))
        .collect::<Vec<_>>()
        .join(",");
    let mut processes = Processes(Vec::new());
    for (i, (client_port, peer_port)) in ports.iter().enumerate() {
        let client_url = format!("https://127.0.0.1:{client_port}");
        let peer_url = format!("https://127.0.0.1:{peer_port}");
        let log = std::fs::File::create(d.path(&format!("etcd{i}.log"))).unwrap();
        let child = Command::new("etcd")
            .current_dir(d.tmp.path())
            .args([
                "--name",
                &format!("m{i}"),
                "--data-dir",
                &format!("data{i}"),
                "--listen-client-urls",
                &client_url,
                "--advertise-client-urls",
                &client_url,
                "--listen-peer-urls",
                &peer_url,
                "--initial-advertise-peer-urls",
                &peer_url,
                "--initial-cluster",
                &cluster,
                "--initial-cluster-state",
                "new",
                "--initial-cluster-token",
                "cfssl-rs-test",
                "--client-cert-auth",
                "--trusted-ca-file",
                "ca.pem",
                "--cert-file",
                "server.pem",
                "--key-file",
                "server-key.pem",
                "--peer-client-cert-auth",
                "--peer-trusted-ca-file",
                "ca.pem",
                "--peer-cert-file",
                "peer.pem",
                "--peer-key-file",
                "peer-key.pem",
            ])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start etcd: {e}"));
        processes.0.push(child);
    }
    let endpoint = |i: usize| format!("https://127.0.0.1:{}", ports[i].0);
    let logs = || {
        (0..2)
            .map(|i| d.read(&format!("etcd{i}.log")))
            .collect::<Vec<_>>()
            .join("\n----\n")
    };

    // Write through member 0 once the cluster has a leader (that needs the peers' TLS).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let r = etcdctl(
            &d,
            &endpoint(0),
            "client",
            &["put", "greeting", "hello from cfssl-rs"],
        );
        if r.code == 0 && r.stdout.contains("OK") {
            break;
        }
        if Instant::now() > deadline {
            panic!(
                "etcd never accepted the write: {}\n{}\nlogs:\n{}",
                r.stdout,
                r.stderr,
                logs()
            );
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    // Read it back through member 1: replicated over the peer connection.
    let r = etcdctl(
        &d,
        &endpoint(1),
        "client",
        &["get", "greeting", "--print-value-only"],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stderr, logs());
    assert_eq!(r.stdout.trim(), "hello from cfssl-rs");
    let r = etcdctl(&d, &endpoint(1), "client", &["member", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout.lines().filter(|l| l.contains("started")).count(),
        2,
        "{}",
        r.stdout
    );

    // A client certificate from another CA is refused.
    let r = etcdctl(
        &d,
        &endpoint(0),
        "intruder",
        &["get", "greeting", "--print-value-only"],
    );
    assert_ne!(
        r.code, 0,
        "etcd accepted a client certificate from another CA: {}",
        r.stdout
    );
    assert!(!r.stdout.contains("hello"), "{}", r.stdout);
    // And etcd says why.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !logs().contains("rejected connection") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    let all_logs = logs();
    assert!(
        all_logs.contains("rejected connection") && all_logs.contains("certificate"),
        "etcd did not log the rejected client certificate:\n{all_logs}"
    );
    drop(processes);
}

/// `k8s-sign -db-config`: the certificate handed back in `status.certificate` is the one
/// recorded, with the object's identity as CN and the CA label of `-label`.
#[test]
fn k8s_sign_records_the_certificate() {
    require_tool("sqlite3");
    let d = Dir::new();
    sign_setup(&d);
    d.write(
        "db.json",
        r#"{"driver":"sqlite3","data_source":"certs.db"}"#,
    );
    d.cfssl(&["db", "init", "-db-config", "db.json"]).ok();
    make_csr(&d, "jane", &format!(r#"{{"CN":"jane",{EC}}}"#));
    let r = d.cfssl(&[
        "k8s-csr",
        "-json",
        "-name",
        "jane",
        "-signer",
        CLIENT_SIGNER,
        "jane.csr",
    ]);
    let mut object = r.json();
    object["status"] = json!({"conditions": [{"type": "Approved", "status": "True"}]});
    let r = k8s_sign(
        &d,
        &object.to_string(),
        &["-db-config", "db.json", "-label", "k8s"],
    );
    let signed = status_certificate(&d, &r, "jane.pem");
    let pem = String::from_utf8(b64_field(&signed, "/status/certificate")).unwrap();
    let rows = tool(
        &d,
        "sqlite3",
        &[
            "certs.db",
            "select ca_label, common_name, status, pem from certificates",
        ],
        b"",
    );
    assert_eq!(rows.stdout, format!("k8s|jane|good|{pem}\n"));
}
