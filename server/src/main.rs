use leptos::config::get_configuration;
use server::config::ServerConfig;
use server::{build_state, demo, demo_history, page_routes, router, spawn_upkeep, BoxError};
use std::io::BufRead;
use std::net::SocketAddr;
use tracing_subscriber::EnvFilter;

const USAGE: &str = "usage: server [serve | seed-demo | create-admin --phone <11 digits> --name <name>]
  create-admin reads the password from DAOJIA_ADMIN_PASSWORD or the first line of standard input.";

fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if std::env::var("LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn flag_value(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    init_logging();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = ServerConfig::from_env()?;
    // Reads [workspace.metadata.leptos] when run from the repository; LEPTOS_* variables override it.
    let leptos_config = if std::path::Path::new("Cargo.toml").exists() { Some("Cargo.toml") } else { None };
    let leptos_options = get_configuration(leptos_config)?.leptos_options;
    tracing::info!(database = %config.redacted_database_url(), "connecting");
    let store = store::connect(&config.database_url, config.max_connections).await?;
    let state = build_state(store.clone(), config.app.clone(), &config.sandbox_pay_key, &config.uploads_url, leptos_options.clone())?;

    match args.first().map(String::as_str) {
        None | Some("serve") => {}
        Some("seed-demo") => {
            let loaded = demo::seed_demo(&store, &state.passwords).await?;
            demo_history::seed_demo_history(&state).await?;
            println!("{}", if loaded { "演示数据已导入" } else { "演示数据已存在，未重复导入" });
            return Ok(());
        }
        Some("create-admin") => {
            let (Some(phone), Some(name)) = (flag_value(&args, "--phone"), flag_value(&args, "--name")) else {
                eprintln!("{USAGE}");
                std::process::exit(2);
            };
            let password = match std::env::var("DAOJIA_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => std::io::stdin().lock().lines().next().transpose()?.unwrap_or_default(),
            };
            let id = demo::create_admin(&store, &state.passwords, &phone, &name, password.trim_end()).await?;
            println!("管理员已创建，用户ID {}", id.0);
            return Ok(());
        }
        Some(_) => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }

    if config.demo_data {
        if demo::seed_demo(&store, &state.passwords).await? {
            tracing::info!("demo data loaded");
        }
        demo_history::seed_demo_history(&state).await?;
    }
    spawn_upkeep(store.clone());
    server::jobs::spawn_job_runner(state.clone());
    let addr = leptos_options.site_addr;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, router(state, page_routes()).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    store.close().await;
    Ok(())
}
