//! The window's command names are written in five places: the commands themselves, the handler
//! list, the build script (which makes each one's permission), the windows' capabilities and the
//! UI's api module. They must name the same commands, or a button fails only when clicked.

use std::collections::BTreeSet;

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// Every `"name"` or `name` that follows `marker` in `text`, up to the next non-name character.
fn after(text: &str, marker: &str) -> BTreeSet<String> {
    text.match_indices(marker)
        .map(|(i, _)| {
            text[i + marker.len()..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect::<String>()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

#[test]
fn the_five_lists_of_commands_agree() {
    let source = read("src-tauri/commands.rs");
    let defined: BTreeSet<String> =
        source.split("#[tauri::command]").skip(1).flat_map(|chunk| after(chunk, "fn ").into_iter().take(1)).collect();
    let handled = after(&read("src-tauri/lib.rs"), "commands::");
    let built: BTreeSet<String> = {
        let script = read("src-tauri/build.rs");
        let list = &script[script.find("const COMMANDS").unwrap()..];
        after(&list[..list.find("];").unwrap()], "\"")
    };
    let config: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    let permitted: BTreeSet<String> = config["app"]["security"]["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["permissions"].as_array().unwrap().iter())
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|n| n.replace('-', "_")))
        .collect();
    let called = after(&read("src-ui/src/api/mod.rs"), "call(\"");
    assert!(defined.len() >= 40, "{defined:?}");
    for (place, names) in [
        ("the handler list (lib.rs)", &handled),
        ("the build script", &built),
        ("the capabilities (tauri.conf.json)", &permitted),
        ("the UI's api module", &called),
    ] {
        let missing: Vec<_> = defined.difference(names).collect();
        let extra: Vec<_> = names.difference(&defined).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{place}: missing {missing:?}, not a command {extra:?}");
    }
}
