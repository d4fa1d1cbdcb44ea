"""A real, local OpenSearch node for development and integration tests.

`provision()` assembles an OpenSearch home from Maven artifacts, using `mvn` only:

* the official minimal distribution (`org.opensearch.distribution.integ-test-zip:opensearch`),
  which ships only the transport module;
* the modules analysis-common, lang-painless, mapper-extras and reindex, from their jars
  (poms under `opensearch/modules/<name>/`), each with a generated plugin-descriptor.properties;
* the project's own `person-analysis` plugin (`opensearch/plugin/`, phonetic + ICU analysis),
  built with `mvn package` and installed with `bin/opensearch-plugin install`.

`OpenSearchServer` runs a provisioned home as a single-node cluster on 127.0.0.1. OpenSearch
refuses to run as root, so under root the node runs as a system user `opensearch`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType

from devstack.processes import dying_with_parent

OPENSEARCH_VERSION = "2.19.6"
REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = REPO_ROOT / "opensearch"
PLUGIN_SOURCE_DIR = SOURCE_DIR / "plugin"
MODULES_SOURCE_DIR = SOURCE_DIR / "modules"
DEFAULT_CACHE_DIR = REPO_ROOT / ".cache" / "opensearch"
DEFAULT_RUN_DIR = REPO_ROOT / ".run"
PLUGIN_NAME = "person-analysis"
RUN_AS_USER = "opensearch"
MIN_JAVA, MAX_JAVA = 11, 21  # what OpenSearch 2.19 supports
MARKER_NAME = ".provisioned.json"
LAYOUT_VERSION = "1"  # bump when provision() lays out the home differently


class ProvisionError(RuntimeError):
    """Provisioning failed; the message says what failed and what to do."""


class OpenSearchStartError(RuntimeError):
    """The node could not be started or did not become ready."""


@dataclasses.dataclass(frozen=True)
class Module:
    """An OpenSearch module installed from its Maven jars."""

    name: str
    classname: str
    description: str
    # plugins whose class loaders this one's delegates to (all jars of a plugin share one)
    extended_plugins: tuple[str, ...] = ()


MODULES: tuple[Module, ...] = (
    Module(
        "lang-painless",
        "org.opensearch.painless.PainlessPlugin",
        "An easy, safe and fast scripting language for OpenSearch",
    ),
    Module(
        "analysis-common",
        "org.opensearch.analysis.common.CommonAnalysisPlugin",
        'Adds "built in" analyzers to OpenSearch.',
        extended_plugins=("lang-painless",),
    ),
    Module(
        "mapper-extras",
        "org.opensearch.index.mapper.MapperExtrasPlugin",
        "Adds advanced field mappers",
    ),
    Module(
        "reindex",
        "org.opensearch.index.reindex.ReindexPlugin",
        "The Reindex module adds APIs to reindex from one index to another or update documents "
        "in place.",
    ),
)


# --------------------------------------------------------------------------- pure helpers


def plugin_descriptor(
    *,
    name: str,
    description: str,
    classname: str,
    version: str,
    opensearch_version: str,
    java_version: str = "11",
    extended_plugins: Sequence[str] = (),
) -> str:
    """The text of a plugin-descriptor.properties file."""
    lines = {
        "description": description,
        "version": version,
        "name": name,
        "classname": classname,
        "java.version": java_version,
        "opensearch.version": opensearch_version,
        "custom.foldername": "",
        "extended.plugins": ",".join(extended_plugins),
        "has.native.controller": "false",
    }
    return "".join(f"{key}={value}\n" for key, value in lines.items())


def parse_java_major_version(version_output: str) -> int:
    """The major version from `java -version` output ('1.8.0_x' -> 8, '17.0.15' -> 17)."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not match:
        raise ValueError(f"no Java version in {version_output!r}")
    major = int(match.group(1))
    if major == 1 and match.group(2):
        return int(match.group(2))
    return major


def fingerprint(paths: Iterable[Path], extra: str = "") -> str:
    """A SHA-256 over the relative names and contents of the files under `paths`."""
    digest = hashlib.sha256(extra.encode())
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if "target" in path.relative_to(root.parent).parts or path.suffix == ".md":
                continue  # build output and documentation do not change the build
            digest.update(str(path.relative_to(root.parent)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def source_fingerprint(version: str) -> str:
    """Identifies what a provisioned home was built from."""
    modules = json.dumps([dataclasses.asdict(m) for m in MODULES], sort_keys=True)
    return fingerprint(
        [PLUGIN_SOURCE_DIR, MODULES_SOURCE_DIR], extra=f"{LAYOUT_VERSION}:{version}:{modules}"
    )


def tail(path: Path, lines: int = 40) -> str:
    """The last `lines` lines of a text file ('' if it does not exist)."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def node_settings(
    *, http_port: int, transport_port: int, data_dir: Path, logs_dir: Path, cluster_name: str
) -> dict[str, str]:
    """The -E settings of a single-node development cluster on 127.0.0.1."""
    return {
        "cluster.name": cluster_name,
        "node.name": f"{cluster_name}-{http_port}",
        "discovery.type": "single-node",
        "network.host": "127.0.0.1",
        "http.port": str(http_port),
        "transport.port": str(transport_port),
        "path.data": str(data_dir),
        "path.logs": str(logs_dir),
        "cluster.routing.allocation.disk.threshold_enabled": "false",
    }


def instance_jvm_options(text: str, *, logs_dir: Path, data_dir: Path) -> str:
    """jvm.options with the relative logs/ and data paths (resolved against the shared home by
    bin/opensearch) pointed at this instance's own directories."""
    text = re.sub(r"(?m)(file=|ErrorFile=|-Xloggc:)logs/", rf"\g<1>{logs_dir}/", text)
    return re.sub(r"(?m)^(-XX:HeapDumpPath=)data$", rf"\g<1>{data_dir}", text)


# --------------------------------------------------------------------------- Java and Maven


def find_java_home() -> Path:
    """The Java home OpenSearch will use; raises ProvisionError if none or not 11..21."""
    for variable in ("OPENSEARCH_JAVA_HOME", "JAVA_HOME"):
        if os.environ.get(variable):
            java_home = Path(os.environ[variable])
            break
    else:
        java = shutil.which("java")
        if java is None:
            raise ProvisionError(
                f"Java not found: install a JDK {MIN_JAVA}..{MAX_JAVA} (e.g. apt-get install "
                "openjdk-17-jdk-headless) or set JAVA_HOME"
            )
        java_home = Path(java).resolve().parent.parent
    java_bin = java_home / "bin" / "java"
    try:
        result = subprocess.run(
            [str(java_bin), "-version"], capture_output=True, text=True, timeout=60, check=False
        )
        major = parse_java_major_version(result.stderr + result.stdout)
    except (OSError, ValueError, subprocess.TimeoutExpired) as error:
        raise ProvisionError(
            f"cannot run {java_bin} -version ({error}); set JAVA_HOME to a JDK "
            f"{MIN_JAVA}..{MAX_JAVA}"
        ) from error
    if not MIN_JAVA <= major <= MAX_JAVA:
        raise ProvisionError(
            f"{java_bin} is Java {major}, OpenSearch 2.19 needs Java {MIN_JAVA}..{MAX_JAVA}: "
            "set OPENSEARCH_JAVA_HOME or JAVA_HOME to such a JDK"
        )
    return java_home


def _tool_env(java_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["JAVA_HOME"] = str(java_home)
    env.pop("OPENSEARCH_JAVA_HOME", None)
    return env


def _run(command: Sequence[str], *, cwd: Path, env: dict[str, str], what: str) -> None:
    """Runs a build/install command, raising ProvisionError with its last output lines."""
    try:
        result = subprocess.run(
            list(command), cwd=cwd, env=env, capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise ProvisionError(f"{what} failed: cannot run {command[0]}: {error}") from error
    if result.returncode != 0:
        output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)  # colour codes
        output = "\n".join(output.splitlines()[-30:])
        raise ProvisionError(
            f"{what} failed (exit {result.returncode}).\n"
            f"command: (cd {cwd} && {' '.join(command)})\n{output}\n"
            "Check network access to the Maven repository and the Maven settings, then retry."
        )


def _mvn(args: Sequence[str], *, cwd: Path, env: dict[str, str], what: str) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ProvisionError(
            "mvn not found on PATH: install Maven 3 (e.g. apt-get install maven) and retry"
        )
    _run([mvn, "-B", "-q", *args], cwd=cwd, env=env, what=what)


# --------------------------------------------------------------------------- provisioning


def _read_marker(path: Path) -> dict[str, str]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _unzip(archive: Path, target: Path) -> None:
    """Extracts keeping the Unix permissions (zipfile alone drops the executable bits)."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            extracted = Path(zf.extract(info, target))
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                extracted.chmod(mode)


def _install_module(module: Module, home: Path, version: str, env: dict[str, str]) -> None:
    source = MODULES_SOURCE_DIR / module.name
    target = home / "modules" / module.name
    target.mkdir(parents=True)
    _mvn(
        [
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-Dopensearch.version={version}",
            f"-DoutputDirectory={target}",
        ],
        cwd=source,
        env=env,
        what=f"resolving module {module.name} {version}",
    )
    core_jars = {p.name for p in (home / "lib").glob("*.jar")}
    for jar in target.glob("*.jar"):
        if jar.name in core_jars:
            jar.unlink()
    (target / "plugin-descriptor.properties").write_text(
        plugin_descriptor(
            name=module.name,
            description=module.description,
            classname=module.classname,
            version=version,
            opensearch_version=version,
            extended_plugins=module.extended_plugins,
        )
    )
    policy = source / "plugin-security.policy"
    if policy.exists():
        shutil.copyfile(policy, target / "plugin-security.policy")


def _build_and_install_plugin(
    home: Path, build_dir: Path, version: str, env: dict[str, str]
) -> None:
    lucene = sorted((home / "lib").glob("lucene-core-*.jar"))
    if not lucene:
        raise ProvisionError(f"no lucene-core jar in {home / 'lib'}: is {version} a 2.x release?")
    lucene_version = lucene[0].name.removeprefix("lucene-core-").removesuffix(".jar")
    shutil.copytree(PLUGIN_SOURCE_DIR, build_dir, ignore=shutil.ignore_patterns("target"))
    _mvn(
        ["package", f"-Dopensearch.version={version}", f"-Dlucene.version={lucene_version}"],
        cwd=build_dir,
        env=env,
        what=f"building the {PLUGIN_NAME} plugin",
    )
    zips = list((build_dir / "target").glob("*.zip"))
    if len(zips) != 1:
        raise ProvisionError(f"expected one plugin zip in {build_dir / 'target'}, got {zips}")
    _run(
        [str(home / "bin" / "opensearch-plugin"), "install", "--batch", zips[0].as_uri()],
        cwd=home,
        env=env,
        what=f"installing the {PLUGIN_NAME} plugin",
    )


def _download_distribution(downloads: Path, version: str, env: dict[str, str]) -> Path:
    archive = downloads / f"opensearch-{version}.zip"
    if not archive.exists():
        downloads.mkdir(parents=True, exist_ok=True)
        _mvn(
            [
                "dependency:copy",
                f"-Dartifact=org.opensearch.distribution.integ-test-zip:opensearch:{version}:zip",
                f"-DoutputDirectory={downloads}",
            ],
            cwd=downloads,
            env=env,
            what=f"downloading the OpenSearch {version} distribution",
        )
    return archive


def provision(cache_dir: Path = DEFAULT_CACHE_DIR, version: str = OPENSEARCH_VERSION) -> Path:
    """Returns an OpenSearch home with the modules and the person-analysis plugin installed.

    The home is `<cache_dir>/opensearch-<version>-<hash of opensearch/plugin and modules>`. When
    it is complete (its marker file records the same hash) it is returned at once, without
    running Maven. Otherwise it is assembled in a temporary directory and renamed into place at
    the end, so a node running from an older home is never disturbed.
    """
    cache_dir = cache_dir.resolve()
    sources = source_fingerprint(version)
    home = cache_dir / f"opensearch-{version}-{sources[:12]}"
    if _read_marker(home / MARKER_NAME).get("sources") == sources:
        return home

    env = _tool_env(find_java_home())
    cache_dir.mkdir(parents=True, exist_ok=True)
    archive = _download_distribution(cache_dir / "downloads", version, env)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".building-") as work:
        staging = Path(work) / f"opensearch-{version}"
        _unzip(archive, Path(work))
        staging.chmod(0o755)
        for module in MODULES:
            _install_module(module, staging, version, env)
        _build_and_install_plugin(staging, Path(work) / "plugin-build", version, env)
        marker = {"version": version, "sources": sources, "provisioned_at": time.time()}
        (staging / MARKER_NAME).write_text(json.dumps(marker, indent=2) + "\n")
        if _read_marker(home / MARKER_NAME).get("sources") != sources:  # else: built meanwhile
            shutil.rmtree(home, ignore_errors=True)  # an incomplete leftover
            staging.rename(home)
    return home


# --------------------------------------------------------------------------- running a node


def check_port_free(port: int, host: str = "127.0.0.1") -> None:
    """Raises OpenSearchStartError naming `port` if something listens on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            raise OpenSearchStartError(
                f"port {port} on {host} is already in use ({error}): stop what listens there "
                "or choose another port"
            ) from error


def ensure_run_user(name: str = RUN_AS_USER) -> pwd.struct_passwd:
    """The system user the node runs as under root, created (useradd --system) if missing."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    command = ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 9):  # 9: created meanwhile by someone else
        raise OpenSearchStartError(f"{' '.join(command)} failed: {result.stderr.strip()}")
    return pwd.getpwnam(name)


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    os.chown(root, uid, gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for entry in dirnames + filenames:
            os.chown(os.path.join(dirpath, entry), uid, gid, follow_symlinks=False)


class OpenSearchServer:
    """A single-node OpenSearch cluster on 127.0.0.1, run from a provisioned home.

    The instance directory (default `.run/opensearch-<http_port>`) holds this node's config
    copy, data and logs, so several nodes can share one home. Use as a context manager or call
    `start()` / `stop()`.
    """

    def __init__(
        self,
        home: Path,
        *,
        http_port: int = 9200,
        transport_port: int | None = None,
        instance_dir: Path | None = None,
        cluster_name: str = "person-index-dev",
        heap: tuple[str, str] = ("512m", "1g"),
        reset_data: bool = False,
    ) -> None:
        self.home = home.resolve()
        self.http_port = http_port
        self.transport_port = transport_port if transport_port is not None else http_port + 100
        self.instance_dir = (instance_dir or DEFAULT_RUN_DIR / f"opensearch-{http_port}").resolve()
        self.cluster_name = cluster_name
        self.heap = heap
        self.reset_data = reset_data
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def data_dir(self) -> Path:
        return self.instance_dir / "data"

    @property
    def logs_dir(self) -> Path:
        return self.instance_dir / "logs"

    @property
    def console_log(self) -> Path:
        return self.logs_dir / "console.log"

    def command(self) -> list[str]:
        """The command line of the node (without the switch to the run user)."""
        settings = node_settings(
            http_port=self.http_port,
            transport_port=self.transport_port,
            data_dir=self.data_dir,
            logs_dir=self.logs_dir,
            cluster_name=self.cluster_name,
        )
        return [str(self.home / "bin" / "opensearch")] + [f"-E{k}={v}" for k, v in settings.items()]

    def _prepare_instance_dir(self) -> Path:
        """Fresh config copy (keeping the keystore), data and logs dirs; returns the config dir."""
        config = self.instance_dir / "config"
        if self.reset_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        for directory in (config, self.data_dir, self.logs_dir):
            directory.mkdir(parents=True, exist_ok=True)
        shutil.copytree(self.home / "config", config, dirs_exist_ok=True)
        jvm_options = config / "jvm.options"
        jvm_options.write_text(
            instance_jvm_options(
                jvm_options.read_text(), logs_dir=self.logs_dir, data_dir=self.data_dir
            )
        )
        self.console_log.unlink(missing_ok=True)
        return config

    def start(self, timeout: float = 120.0) -> OpenSearchServer:
        """Starts the node and waits until the cluster is at least yellow."""
        if self.process is not None and self.process.poll() is None:
            return self
        if not (self.home / "bin" / "opensearch").exists():
            raise OpenSearchStartError(f"{self.home} is not an OpenSearch home: run provision()")
        check_port_free(self.http_port)
        check_port_free(self.transport_port)
        java_home = find_java_home()
        config = self._prepare_instance_dir()
        env = _tool_env(java_home)
        env["OPENSEARCH_PATH_CONF"] = str(config)
        env["OPENSEARCH_JAVA_OPTS"] = f"-Xms{self.heap[0]} -Xmx{self.heap[1]}"
        switch_user: tuple[str, ...] = ()
        if os.geteuid() == 0:
            user = ensure_run_user()
            _chown_tree(self.instance_dir, user.pw_uid, user.pw_gid)
            env.update(HOME=str(self.instance_dir), USER=user.pw_name, LOGNAME=user.pw_name)
            switch_user = (f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups")
        command = dying_with_parent(self.command(), *switch_user)
        started = time.monotonic()
        with self.console_log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.instance_dir,  # jvm.options writes logs/gc.log relative to it
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_ready(started + timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def _wait_ready(self, deadline: float) -> None:
        health = f"{self.url}/_cluster/health?wait_for_status=yellow&timeout=1s"
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise OpenSearchStartError(
                    f"OpenSearch exited with code {self.process.returncode} during startup; "
                    f"last lines of {self.console_log}:\n{tail(self.console_log)}"
                )
            try:
                with urllib.request.urlopen(health, timeout=5) as response:
                    status = json.loads(response.read()).get("status")
                    if status in ("yellow", "green"):
                        return
            except (urllib.error.URLError, OSError, ValueError):
                pass  # not listening yet, or 408 while the cluster is red
            if time.monotonic() > deadline:
                raise OpenSearchStartError(
                    f"OpenSearch on port {self.http_port} was not ready in time; last lines of "
                    f"{self.console_log}:\n{tail(self.console_log)}"
                )
            time.sleep(0.5)

    def stop(self, timeout: float = 30.0) -> None:
        """Stops the node (SIGTERM, then SIGKILL after `timeout` s). Safe to call twice."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def __enter__(self) -> OpenSearchServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
