"""The pure parts of devstack/opensearch.py (no Maven, no Java, no server)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from devstack import opensearch as dev


def test_plugin_descriptor_lists_the_properties_opensearch_reads() -> None:
    text = dev.plugin_descriptor(
        name="analysis-common",
        description="Common analysis",
        classname="org.opensearch.analysis.common.CommonAnalysisPlugin",
        version="2.19.6",
        opensearch_version="2.19.6",
        extended_plugins=["lang-painless"],
    )
    properties = dict(line.split("=", 1) for line in text.splitlines())
    assert properties == {
        "description": "Common analysis",
        "version": "2.19.6",
        "name": "analysis-common",
        "classname": "org.opensearch.analysis.common.CommonAnalysisPlugin",
        "java.version": "11",
        "opensearch.version": "2.19.6",
        "custom.foldername": "",
        "extended.plugins": "lang-painless",
        "has.native.controller": "false",
    }


def test_every_module_has_a_pom_and_only_known_extended_plugins() -> None:
    names = {module.name for module in dev.MODULES}
    for module in dev.MODULES:
        assert (dev.MODULES_SOURCE_DIR / module.name / "pom.xml").is_file()
        assert set(module.extended_plugins) <= names


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', 17),
        ('java version "1.8.0_402"', 8),
        ('openjdk version "21" 2023-09-19', 21),
        ('openjdk version "24-ea" 2025-03-18', 24),
    ],
)
def test_parse_java_major_version(output: str, major: int) -> None:
    assert dev.parse_java_major_version(output) == major


def test_parse_java_major_version_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="no Java version"):
        dev.parse_java_major_version("command not found")


def test_instance_jvm_options_moves_relative_paths_to_the_instance() -> None:
    original = "\n".join(
        [
            "-Xms1g",
            "-XX:HeapDumpPath=data",
            "-XX:ErrorFile=logs/hs_err_pid%p.log",
            "8:-Xloggc:logs/gc.log",
            "9-:-Xlog:gc*,gc+age=trace,safepoint:file=logs/gc.log:utctime,pid,tags:filecount=32",
        ]
    )
    rewritten = dev.instance_jvm_options(
        original, logs_dir=Path("/run/n1/logs"), data_dir=Path("/run/n1/data")
    )
    assert rewritten.splitlines() == [
        "-Xms1g",
        "-XX:HeapDumpPath=/run/n1/data",
        "-XX:ErrorFile=/run/n1/logs/hs_err_pid%p.log",
        "8:-Xloggc:/run/n1/logs/gc.log",
        "9-:-Xlog:gc*,gc+age=trace,safepoint:file=/run/n1/logs/gc.log:utctime,pid,tags:filecount=32",
    ]


def test_node_settings_make_a_local_single_node_cluster() -> None:
    settings = dev.node_settings(
        http_port=9250,
        transport_port=9350,
        data_dir=Path("/d"),
        logs_dir=Path("/l"),
        cluster_name="c",
    )
    assert settings["discovery.type"] == "single-node"
    assert settings["network.host"] == "127.0.0.1"
    assert settings["http.port"] == "9250"
    assert settings["transport.port"] == "9350"
    assert settings["path.data"] == "/d"
    assert settings["path.logs"] == "/l"
    assert settings["cluster.routing.allocation.disk.threshold_enabled"] == "false"


def test_server_command_passes_settings_as_E_options(tmp_path: Path) -> None:
    server = dev.OpenSearchServer(tmp_path / "home", http_port=9250, instance_dir=tmp_path / "n")
    command = server.command()
    assert command[0] == str(tmp_path / "home" / "bin" / "opensearch")
    assert "-Ehttp.port=9250" in command
    assert "-Etransport.port=9350" in command
    assert f"-Epath.data={tmp_path / 'n' / 'data'}" in command
    assert server.url == "http://127.0.0.1:9250"


def test_fingerprint_changes_with_content_and_ignores_target(tmp_path: Path) -> None:
    source = tmp_path / "plugin"
    (source / "src").mkdir(parents=True)
    (source / "src" / "A.java").write_text("class A {}")
    before = dev.fingerprint([source])
    (source / "target").mkdir()
    (source / "target" / "a.jar").write_text("built")
    assert dev.fingerprint([source]) == before
    (source / "src" / "A.java").write_text("class A { int x; }")
    assert dev.fingerprint([source]) != before


def test_check_port_free_names_a_busy_port() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(dev.OpenSearchStartError, match=f"port {port} "):
            dev.check_port_free(port)


def test_tail_returns_the_last_lines(tmp_path: Path) -> None:
    log = tmp_path / "console.log"
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    assert dev.tail(log, 2) == "line 98\nline 99"
    assert dev.tail(tmp_path / "missing.log") == ""


def test_provision_returns_a_complete_home_without_maven(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = dev.source_fingerprint("9.9.9")
    home = tmp_path / f"opensearch-9.9.9-{sources[:12]}"
    home.mkdir()
    (home / dev.MARKER_NAME).write_text(json.dumps({"version": "9.9.9", "sources": sources}))
    monkeypatch.setattr(dev.shutil, "which", lambda name: None)  # no mvn, no java
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-java"))
    assert dev.provision(tmp_path, "9.9.9") == home


def test_provision_without_mvn_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dev, "find_java_home", lambda: tmp_path)
    monkeypatch.setattr(dev.shutil, "which", lambda name: None)
    with pytest.raises(dev.ProvisionError, match="mvn not found on PATH: install Maven"):
        dev.provision(tmp_path / "cache", "9.9.9")


def test_find_java_home_rejects_a_missing_java(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENSEARCH_JAVA_HOME", raising=False)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(dev.ProvisionError, match="JAVA_HOME"):
        dev.find_java_home()
