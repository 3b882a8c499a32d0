//! Profile parsing on small inputs in each format, and attribution to functions by file and line.

use super::*;

fn targets(root: &Path) -> Vec<Target> {
    vec![
        Target { file: root.join("app/hot.py"), function: "slow".into(), first_line: 1, last_line: 6 },
        Target { file: root.join("app/hot.py"), function: "cold".into(), first_line: 8, last_line: 9 },
        Target { file: root.join("app/hot.py"), function: "Shop.total".into(), first_line: 12, last_line: 14 },
    ]
}

#[test]
fn folded_stacks_from_py_spy_and_austin_count_each_sample_once_per_function() {
    let root = Path::new("/proj");
    let text = "<module> (app/main.py:3);slow (app/hot.py:4) 8\n<module> (app/main.py:4);cold (app/hot.py:9) 2\n/proj/app/main.py:<module>:3;/proj/app/hot.py:slow:4;/proj/app/hot.py:slow:5 5\n";
    let profile = parse(text.as_bytes()).unwrap();
    assert_eq!((profile.format, profile.unit, profile.total), (Format::Folded, Unit::Samples, 15.0));
    let measured = attribute(&profile, &targets(root), root);
    assert_eq!(measured[&0].total_time, 13.0, "recursion counts once per sample");
    assert_eq!(measured[&0].self_time, 13.0);
    assert_eq!(measured[&1].total_time, 2.0);
    assert!((measured[&0].share - 13.0 / 15.0).abs() < 1e-9);
    assert!(describe(&measured[&0], profile.unit).starts_with("87% of the profiled samples"));
}

#[test]
fn speedscope_sampled_and_evented_and_pyinstrument_json_give_inclusive_times() {
    let root = Path::new("/proj");
    let frames = r#"{"frames": [{"name": "<module>", "file": "/proj/app/main.py", "line": 1}, {"name": "slow", "file": "/proj/app/hot.py", "line": 1}, {"name": "cold", "file": "/proj/app/hot.py", "line": 8}]}"#;
    let sampled = format!(
        r#"{{"shared": {frames}, "profiles": [{{"type": "sampled", "unit": "seconds", "samples": [[0, 1], [0, 1], [0, 2]], "weights": [0.5, 0.25, 0.25]}}]}}"#
    );
    let profile = parse(sampled.as_bytes()).unwrap();
    let measured = attribute(&profile, &targets(root), root);
    assert_eq!((profile.format, measured[&0].total_time, measured[&1].total_time), (Format::Speedscope, 0.75, 0.25));
    let evented = format!(
        r#"{{"shared": {frames}, "profiles": [{{"type": "evented", "startValue": 0, "events": [{{"type": "O", "at": 0, "frame": 0}}, {{"type": "O", "at": 0, "frame": 1}}, {{"type": "C", "at": 3, "frame": 1}}, {{"type": "O", "at": 3, "frame": 2}}, {{"type": "C", "at": 4, "frame": 2}}, {{"type": "C", "at": 4, "frame": 0}}]}}]}}"#
    );
    let profile = parse(evented.as_bytes()).unwrap();
    let measured = attribute(&profile, &targets(root), root);
    assert_eq!((profile.total, measured[&0].total_time, measured[&1].total_time), (4.0, 3.0, 1.0));
    // pyinstrument under load: a `[self]` child without a file holds its parent's own time.
    let with_self = r#"{"shared": {"frames": [{"name": "slow", "file": "/proj/app/hot.py", "line": 1}, {"name": "[self]", "file": null, "line": null}]}, "profiles": [{"type": "evented", "startValue": 0, "events": [{"type": "O", "at": 0, "frame": 0}, {"type": "O", "at": 0, "frame": 1}, {"type": "C", "at": 2, "frame": 1}, {"type": "C", "at": 2, "frame": 0}]}]}"#;
    let profile = parse(with_self.as_bytes()).unwrap();
    let measured = attribute(&profile, &targets(root), root);
    assert_eq!((measured[&0].self_time, measured[&0].total_time), (2.0, 2.0));
    let tree = r#"{"root_frame": {"function": "<module>", "file_path": "/proj/app/main.py", "line_no": 1, "time": 2.0, "children": [{"function": "slow", "file_path": "/proj/app/hot.py", "line_no": 1, "time": 1.5, "children": []}, {"function": "cold", "file_path": "/proj/app/hot.py", "line_no": 8, "time": 0.25, "children": []}]}}"#;
    let profile = parse(tree.as_bytes()).unwrap();
    let measured = attribute(&profile, &targets(root), root);
    assert_eq!((profile.format, profile.total, measured[&0].total_time, measured[&1].self_time), (Format::Pyinstrument, 2.0, 1.5, 0.25));
}

#[test]
fn a_pstats_dict_is_read_with_its_back_references() {
    // marshal.dumps({("/proj/app/hot.py", 1, "slow"): (3, 3, 0.5, 0.75, {}), ("~", 0, "<built-in method len>"): (1, 1, 0.25, 0.25, {})})
    // written by hand: the second key's first item refers back to nothing shared, the callers dicts are empty.
    let mut bytes = vec![b'{'];
    let key = |bytes: &mut Vec<u8>, file: &str, line: i32, name: &str| {
        bytes.extend([b')' | 0x80, 3, b'z']);
        bytes.push(file.len() as u8);
        bytes.extend(file.as_bytes());
        bytes.push(b'i');
        bytes.extend(line.to_le_bytes());
        bytes.extend([b'z' | 0x80, name.len() as u8]);
        bytes.extend(name.as_bytes());
    };
    let stats = |bytes: &mut Vec<u8>, tt: f64, ct: f64| {
        bytes.extend([b')', 5, b'i']);
        bytes.extend(3i32.to_le_bytes());
        bytes.push(b'i');
        bytes.extend(3i32.to_le_bytes());
        bytes.push(b'g');
        bytes.extend(tt.to_le_bytes());
        bytes.push(b'g');
        bytes.extend(ct.to_le_bytes());
        bytes.extend([b'{', b'0']);
    };
    key(&mut bytes, "/proj/app/hot.py", 1, "slow");
    stats(&mut bytes, 0.5, 0.75);
    key(&mut bytes, "~", 0, "<built-in method len>");
    stats(&mut bytes, 0.25, 0.25);
    bytes.push(b'0');
    let profile = parse(&bytes).unwrap();
    assert_eq!((profile.format, profile.total), (Format::Pstats, 0.75));
    let measured = attribute(&profile, &targets(Path::new("/proj")), Path::new("/"));
    assert_eq!(measured.len(), 1, "the built-in maps to nothing");
    assert_eq!((measured[&0].self_time, measured[&0].total_time, measured[&0].share), (0.5, 0.75, 1.0));
    // A reference to a container is refused, a truncated file is an error, neither panics.
    assert!(parse(&bytes[..bytes.len() / 2]).is_err());
    assert!(parse(&[b'{', b'r', 0, 0, 0, 0]).is_err());
    assert!(parse(&[b'{' | 0x80, b'r', 0, 0, 0, 0, b'N', b'0']).is_err());
}

#[test]
fn unknown_content_is_a_clear_error() {
    assert!(parse(b"{\"hello\": 1}").unwrap_err().contains("neither speedscope"));
    assert!(parse(b"\x00\x01\x02").is_err());
    assert!(parse(b"just words\n").unwrap_err().contains("sample count"));
}

#[test]
fn a_short_file_name_matches_the_one_target_file_that_ends_with_it_and_methods_map_by_line() {
    let root = Path::new("/proj");
    let profile = parse(b"<module> (main.py:1);total (app/hot.py:13) 4\n").unwrap();
    let measured = attribute(&profile, &targets(root), Path::new("/elsewhere"));
    assert_eq!(measured[&2].total_time, 4.0);
}
