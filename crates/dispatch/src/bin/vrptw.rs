//! Benchmark driver for the VRPTW planner on Solomon instances. Prints one
//! JSON object in the same shape as the reference solvers in
//! `shared/bench/vrptw` so `check_solution.py` can verify it.
//!
//! Usage: vrptw INSTANCE [--seconds S] [--convention dimacs|exact]
//!        [--objective distance|hierarchical] [--seed N] [--iterations N]
//!
//! `--iterations N` budgets the search by N search iterations instead of
//! wall time: the same run then gives the same plan however busy the machine
//! is, so two versions of the planner compare on equal search effort.

use dispatch::vrptw::{parse_solomon, solve, Convention, Objective, Params};
use serde_json::json;
use std::time::Instant;

struct Args {
    instance: String,
    seconds: f64,
    convention: Convention,
    objective: Option<Objective>,
    seed: u64,
    iterations: Option<u64>,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut args = Args {
        instance: String::new(),
        seconds: 5.0,
        convention: Convention::Exact,
        objective: None,
        seed: 1,
        iterations: None,
    };
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--seconds" | "--time-limit" => args.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--iterations" => {
                args.iterations = Some(value()?.parse().map_err(|e| format!("--iterations: {e}"))?)
            }
            "--convention" => {
                args.convention = match value()?.as_str() {
                    "dimacs" => Convention::Dimacs,
                    "exact" => Convention::Exact,
                    other => return Err(format!("unknown convention {other}")),
                }
            }
            "--objective" => {
                args.objective = Some(match value()?.as_str() {
                    "distance" => Objective::Distance,
                    "hierarchical" => Objective::Hierarchical,
                    other => return Err(format!("unknown objective {other}")),
                })
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            s => args.instance = s.to_string(),
        }
    }
    if args.instance.is_empty() {
        return Err("usage: vrptw INSTANCE [--seconds S] [--convention dimacs|exact] [--objective distance|hierarchical] [--seed N] [--iterations N]".into());
    }
    Ok(args)
}

fn main() {
    let args = parse_args().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let text = std::fs::read_to_string(&args.instance).unwrap_or_else(|e| {
        eprintln!("{}: {e}", args.instance);
        std::process::exit(2);
    });
    let inst = parse_solomon(&text).unwrap_or_else(|e| {
        eprintln!("{}: {e}", args.instance);
        std::process::exit(2);
    });
    // Same defaults as the reference scripts: each convention's literature objective.
    let objective = args.objective.unwrap_or(match args.convention {
        Convention::Dimacs => Objective::Distance,
        Convention::Exact => Objective::Hierarchical,
    });
    let start = Instant::now();
    let full = inst.to_problem(args.convention);
    // Customers no route can serve are reported, and the rest still planned.
    let unservable = full.unservable();
    let (problem, node_of) = full.without(&unservable.iter().map(|(c, _)| *c).collect::<Vec<_>>());
    let mut iterations = 0u64;
    let limit = args.seconds;
    let mut progress = || {
        iterations += 1;
        match args.iterations {
            Some(n) => iterations as f64 / n as f64,
            None => start.elapsed().as_secs_f64() / limit,
        }
    };
    let plan = solve(&problem, &Params { objective, seed: args.seed }, &mut progress);
    let seconds = start.elapsed().as_secs_f64();
    let routes: Vec<Vec<usize>> = plan
        .as_ref()
        .map(|p| p.routes.iter().filter(|r| !r.is_empty()).map(|r| r.iter().map(|&node| node_of[node]).collect()).collect())
        .unwrap_or_default();
    let mut unassignable: Vec<serde_json::Value> = unservable.iter().map(|(c, why)| json!({ "id": c, "reason": why.as_str() })).collect();
    if plan.is_none() {
        // Each could be served alone, but no plan found in the budget serves
        // them all with the fleet: say so for every one, none goes missing.
        let unplanned = node_of.iter().skip(1).map(|c| json!({ "id": c, "reason": "no_plan_within_fleet" }));
        unassignable.extend(unplanned);
    }
    let distance = inst.routes_distance(&routes, args.convention);
    let digits = if args.convention == Convention::Exact { 100.0 } else { 10.0 };
    let out = json!({
        "instance": inst.name,
        "solver": "dispatch-sisr",
        "convention": if args.convention == Convention::Exact { "exact" } else { "dimacs" },
        "objective": if objective == Objective::Hierarchical { "hierarchical" } else { "distance" },
        "time_limit": args.seconds,
        "iteration_budget": args.iterations,
        "seed": args.seed,
        "vehicles": routes.len(),
        "distance": (distance * digits).round() / digits,
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "feasible": plan.is_some() && unassignable.is_empty(),
        "unassignable": unassignable,
        "iterations": iterations,
        "routes": routes,
    });
    println!("{out}");
}
