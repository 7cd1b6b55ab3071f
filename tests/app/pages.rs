use crate::harness::{redirect_target, spawn_app};

#[tokio::test]
async fn visitors_are_sent_from_the_account_page_to_log_in() {
    let app = spawn_app().await;

    let response = app.get_page("/account").await;

    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(redirect_target(&response), "/login?next=/account");
}

#[tokio::test]
async fn the_success_page_account_and_gates_follow_the_subscription() {
    let app = spawn_app().await;
    let email = app.sign_up("member@example.com").await;
    let free_gate = app.get_page("/plans/lightning").await;
    assert_eq!(free_gate.status(), 403);
    let checkout_url = redirect_target(&app.subscribe("price_core_monthly").await);
    let success = redirect_target(
        &app.pay_checkout(&checkout_url, &email, "4242424242424242")
            .await,
    );
    let success_path = success.trim_start_matches(&app.address).to_owned();

    let success_html = app
        .get_page(&success_path)
        .await
        .text()
        .await
        .expect("HTML");
    let account_html = app.get_page("/account").await.text().await.expect("HTML");
    let core = app.get_page("/plans/core").await;
    let spark = app.get_page("/plans/spark").await;

    assert!(
        success_html.contains("You’re subscribed to Core Stacker")
            || success_html.contains("You&#x27;re subscribed to Core Stacker")
            || success_html.contains("You're subscribed to Core Stacker"),
        "{success_html}"
    );
    assert!(account_html.contains(&email), "{account_html}");
    assert!(
        account_html.contains("Plan: Core Stacker"),
        "{account_html}"
    );
    assert!(account_html.contains("Status: active"), "{account_html}");
    assert!(account_html.contains("Renews on: "), "{account_html}");
    assert_eq!(core.status(), 200);
    assert!(
        core.text()
            .await
            .expect("HTML")
            .contains("Core Stacker area")
    );
    assert_eq!(spark.status(), 403);
    assert!(
        spark
            .text()
            .await
            .expect("HTML")
            .contains("This page needs the Spark Stacker plan")
    );
}

#[tokio::test]
async fn a_foreign_checkout_session_is_refused() {
    let app = spawn_app().await;
    let email = app.sign_up("first@example.com").await;
    let checkout_url = redirect_target(&app.subscribe("price_core_monthly").await);
    let session_id = checkout_url
        .rsplit('/')
        .next()
        .expect("a session id")
        .to_owned();
    app.pay_checkout(&checkout_url, &email, "4242424242424242")
        .await;
    app.call("log_out", &[]).await;
    app.sign_up("second@example.com").await;

    let response = app
        .call("confirm_checkout", &[("session_id", &session_id)])
        .await;

    assert_eq!(response.status(), 403);
    assert!(
        response
            .text()
            .await
            .expect("a body")
            .contains("belongs to another account")
    );
}

#[tokio::test]
async fn wrong_credentials_are_refused_and_duplicates_reported() {
    let app = spawn_app().await;
    app.sign_up("dup@example.com").await;
    app.call("log_out", &[]).await;

    let duplicate = app
        .call(
            "sign_up",
            &[("email", "dup@example.com"), ("password", "long enough pw")],
        )
        .await;
    let short = app
        .call(
            "sign_up",
            &[("email", "new@example.com"), ("password", "short")],
        )
        .await;
    let wrong = app
        .call(
            "log_in",
            &[("email", "dup@example.com"), ("password", "wrong password")],
        )
        .await;

    assert_eq!(duplicate.status(), 400);
    assert!(
        duplicate
            .text()
            .await
            .expect("a body")
            .contains("already exists")
    );
    assert_eq!(short.status(), 400);
    assert_eq!(wrong.status(), 401);
    assert!(
        wrong
            .text()
            .await
            .expect("a body")
            .contains("Invalid email or password")
    );
}

#[tokio::test]
async fn a_next_path_with_control_characters_sends_people_home() {
    let app = spawn_app().await;
    app.sign_up("tabbed@example.com").await;
    app.call("log_out", &[]).await;

    for next in ["/\t/example.org/pwned", "/account\n", "/\r\n/x"] {
        let response = app
            .call(
                "log_in",
                &[
                    ("email", "tabbed@example.com"),
                    ("password", "correct horse battery"),
                    ("next", next),
                ],
            )
            .await;
        // A form post without JavaScript is redirected; either way the target is home.
        let status = response.status();
        assert!(
            status.is_success() || status.is_redirection(),
            "{next:?}: {status}"
        );
        assert_eq!(redirect_target(&response), "/", "{next:?}");
    }
    let signed_up = app
        .call(
            "sign_up",
            &[
                ("email", "second@example.com"),
                ("password", "correct horse battery"),
                ("next", "/\n/x"),
            ],
        )
        .await;
    assert_eq!(redirect_target(&signed_up), "/");
}

#[tokio::test]
async fn malformed_emails_and_passwords_are_refused_and_create_nothing() {
    let app = spawn_app().await;
    let long_password = "p".repeat(2000);
    let cases = [
        (
            "@@@",
            "correct horse battery",
            "The email address is not valid.",
        ),
        (
            "a b@c d",
            "correct horse battery",
            "The email address is not valid.",
        ),
        (
            "ada@localhost",
            "correct horse battery",
            "The email address is not valid.",
        ),
        (
            "ada@example.com",
            "        ",
            "The password is shorter than 8 characters.",
        ),
        (
            "ada@example.com",
            long_password.as_str(),
            "The password is longer than 1024 characters.",
        ),
    ];
    for (email, password, message) in cases {
        let response = app
            .call("sign_up", &[("email", email), ("password", password)])
            .await;
        assert_eq!(response.status(), 400, "{email:?}");
        let body = response.text().await.expect("a body");
        assert!(body.contains(message), "{email:?}: {body}");
    }
    assert!(app.users().await.is_empty());
}

#[tokio::test]
async fn a_logged_out_visitor_on_a_plan_page_is_offered_to_log_in() {
    let app = spawn_app().await;

    let page = app.get_page("/plans/core").await;

    assert_eq!(page.status(), 403);
    let html = page.text().await.expect("HTML");
    assert!(
        html.contains("This page needs the Core Stacker plan"),
        "{html}"
    );
    assert!(html.contains("/login?next=%2Fplans%2Fcore"), "{html}");
}

#[tokio::test]
async fn server_functions_with_unreadable_arguments_answer_400_not_500() {
    let app = spawn_app().await;

    let missing = app.call("sign_up", &[("email", "ada@example.com")]).await;
    let unknown_tier = app.call("plan_area", &[("tier", "gold")]).await;
    let huge_status = oversized_post(&app, "/api/log_in", 3 << 20).await;

    assert_eq!(missing.status(), 400);
    let body = missing.text().await.expect("a body");
    assert_eq!(
        body,
        "ServerError|The form was incomplete or not understood. Please fill it in again."
    );
    assert_eq!(unknown_tier.status(), 400);
    assert_eq!(huge_status, 413);
    assert!(app.users().await.is_empty());
}

/// POSTs a form body of `size` bytes and answers the status line's code. The server may answer
/// before it has read the whole body and stop reading; the body is written by a task of its
/// own, so the answer is read whether or not the server takes the rest.
async fn oversized_post(app: &crate::harness::TestApp, path: &str, size: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let host = app.address.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&host)
        .await
        .expect("the site");
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\nemail=a%40example.com&password=",
        size + 30
    );
    let body = "p".repeat(size);
    let writing = tokio::spawn(async move {
        // The server may close the connection early; what it answered is all that matters.
        let _ = writer.write_all(head.as_bytes()).await;
        let _ = writer.write_all(body.as_bytes()).await;
    });
    let mut answer = vec![0; 64];
    let read = tokio::time::timeout(std::time::Duration::from_secs(30), reader.read(&mut answer))
        .await
        .expect("an answer within 30 seconds")
        .expect("the answer is readable");
    writing.abort();
    let status_line = String::from_utf8_lossy(&answer[..read]).into_owned();
    status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {status_line:?}"))
}
