"""Build every image the compose stack and the container tests run (`person-index-dev images`).

Three images, each tagged with a hash of what it is built from (so a warm run builds nothing) and
with the stable tag `dev` that docker-compose.yml and the container tests use:

* `person-index/api` from `Dockerfile`: the API and the indexer;
* `person-index/dynamodb` from `docker/dynamodb.Dockerfile`: the one-request-at-a-time moto server;
* `person-index/opensearch`: the official image plus the official analysis plugins
  (`docker/opensearch.Dockerfile`) where that image can be pulled, else the Maven-provisioned
  distribution with the project's plugin (`docker/opensearch-local.Dockerfile`).

Where `python:3.11-slim` cannot be pulled, the Python images start from a local equivalent:
Debian 12 from `debootstrap --variant=minbase`, imported with `docker import`, plus Debian's
python3 (3.11). The debootstrap tree is kept as a tarball in the per-user cache
(`~/.cache/person-index`), so a fresh clone on the same machine does not debootstrap again, and the
imported bases stay in the engine.

Builds use the classic builder (BuildKit is not available with Debian's docker.io) with host
networking. pip in the builder stages trusts the host's CA bundle (copied into the build context
as `pip-ca.crt`, used with `pip install --cert` in the builder stage only; the final stages copy
the virtualenv alone, so no image holds it).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from tqdm import tqdm

from devstack import opensearch as opensearch_dev

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = REPO_ROOT / ".run" / "images"
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
STABLE_TAG = "dev"

UPSTREAM_PYTHON = "python:3.11-slim"
UPSTREAM_OPENSEARCH = "opensearchproject/opensearch:2.19.3"
DEBIAN_BASE = "person-index/debian:bookworm-minbase"
LOCAL_PYTHON = "person-index/python-base:bookworm"
LOCAL_JAVA = "person-index/java-base:bookworm"
LOCAL_PACKAGES = {
    LOCAL_PYTHON: "python3 python3-venv",
    LOCAL_JAVA: "openjdk-17-jre-headless curl",
}

API_IMAGE = "person-index/api"
DYNAMODB_IMAGE = "person-index/dynamodb"
OPENSEARCH_IMAGE = "person-index/opensearch"

# Never copied into a build context: build output, caches, installed front-end packages.
CONTEXT_IGNORE = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "*.egg-info", "node_modules", "target", ".pytest_cache"
)
PREFERENCES = ("auto", "upstream", "local")
BUILDER_LABEL = "person-index.stage=builder"  # set by the builder stages of the Dockerfiles


class ImageBuildError(RuntimeError):
    """An image could not be built; the message says which and why."""


# --------------------------------------------------------------------------- pure helpers


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """The per-user cache for what outlives a clone (the debootstrap tarball)."""
    env = os.environ if env is None else env
    root = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME", "/root")) / ".cache")
    return Path(root) / "person-index"


def choose_base(preference: str, upstream_usable: Callable[[], bool]) -> str:
    """'upstream' or 'local': the upstream base when asked for, or on 'auto' when it is usable.

    `upstream_usable` (present in the engine, or pulled now) is only called on 'auto'.
    """
    if preference not in PREFERENCES:
        raise ValueError(f"base preference must be one of {', '.join(PREFERENCES)}")
    if preference == "auto":
        return "upstream" if upstream_usable() else "local"
    return preference


def image_tag(name: str, digest: str) -> str:
    """The content tag of an image: its name and the first 12 hex digits of its inputs' hash."""
    return f"{name}:{digest[:12]}"


def inputs_digest(parts: Mapping[str, str], build_args: Mapping[str, str]) -> str:
    """A SHA-256 over what an image is built from: each build-context part's identity (a hash of
    its files, or a stated one) and the build arguments (base images by their ids)."""
    digest = hashlib.sha256()
    for key, value in sorted(parts.items()):
        digest.update(f"part:{key}={value}\0".encode())
    for key, value in sorted(build_args.items()):
        digest.update(f"arg:{key}={value}\0".encode())
    return digest.hexdigest()


def build_command(
    tag: str, context: Path, dockerfile: str, build_args: Mapping[str, str]
) -> list[str]:
    """The classic-builder `docker build` of one image, with host networking for apt and pip."""
    command = ["docker", "build", "--network", "host", "--force-rm", "--tag", tag]
    command += ["--file", str(context / dockerfile)]
    for key, value in sorted(build_args.items()):
        command += ["--build-arg", f"{key}={value}"]
    return [*command, str(context)]


def debootstrap_command(target: Path) -> list[str]:
    """A minimal Debian 12 tree (Debian's default archive, as apt on the host uses it)."""
    return ["debootstrap", "--variant=minbase", "bookworm", str(target)]


def build_step(line: str) -> tuple[int, int] | None:
    """(step, of) from a classic-builder progress line ('Step 3/12 : COPY ...'), else None."""
    match = re.match(r"Step (\d+)/(\d+) :", line)
    return (int(match.group(1)), int(match.group(2))) if match else None


# --------------------------------------------------------------------------- the engine


def _docker(*args: str, check: bool = True, timeout: float | None = None) -> str:
    result = subprocess.run(
        ["docker", *args], capture_output=True, text=True, check=False, timeout=timeout
    )
    if check and result.returncode != 0:
        raise ImageBuildError(f"docker {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def engine_version() -> str | None:
    """The version of the Docker engine the CLI reaches, or None when none answers."""
    try:
        result = subprocess.run(
            ["docker", "version", "--format", "{{.Server.Version}}"],
            capture_output=True,
            text=True,
            check=False,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None


def image_id(reference: str) -> str | None:
    """The engine's id of an image, or None when the engine does not hold it."""
    result = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Id}}", reference],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else None


def present_or_pulled(reference: str) -> bool:
    """True when the engine holds the image or can pull it now (False where no registry is)."""
    if image_id(reference):
        return True
    result = subprocess.run(
        ["docker", "pull", "--quiet", reference],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    return result.returncode == 0


def _run_build(command: Sequence[str], log_path: Path, what: str) -> None:
    """Runs a classic build, its output in `log_path`, its steps on a progress bar."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DOCKER_BUILDKIT": "0"}
    with (
        log_path.open("w") as log,
        tqdm(desc=f"Building {what}", unit="step", leave=True) as bar,
        subprocess.Popen(
            list(command),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        ) as process,
    ):
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            step = build_step(line)
            if step:
                bar.total = step[1]
                bar.n = step[0] - 1
                bar.refresh()
        if process.wait() != 0:
            log.flush()
            raise ImageBuildError(
                f"building {what} failed (exit {process.returncode}); last lines of "
                f"{log_path}:\n{opensearch_dev.tail(log_path, 25)}"
            )
        bar.n = bar.total or bar.n
        bar.refresh()


# --------------------------------------------------------------------------- build contexts


def _place(source: Path, target: Path) -> None:
    """Hard-links (or copies, across file systems) a file or tree into a build context."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, ignore=CONTEXT_IGNORE, copy_function=_link_or_copy)
    else:
        _link_or_copy(source, target)


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@dataclasses.dataclass(frozen=True)
class Image:
    """One image: its name, its Dockerfile and the files its build context holds."""

    name: str
    dockerfile: str
    # context path -> source path (files or trees)
    files: Mapping[str, Path]
    build_args: Mapping[str, str]
    needs_pip: bool = False
    # context path -> what identifies it, for parts whose files differ between equal builds
    identities: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def build(self, force: bool = False) -> str:
        """Builds the image unless its content tag exists; tags it `dev`; returns the tag."""
        BUILD_DIR.mkdir(parents=True, exist_ok=True)
        slug = self.name.replace("/", "-")
        with tempfile.TemporaryDirectory(dir=BUILD_DIR, prefix=f".{slug}-") as work:
            context = Path(work) / "context"
            for relative, source in self.files.items():
                _place(source, context / relative)
            parts = {
                relative: self.identities.get(relative)
                or opensearch_dev.fingerprint([context / relative])
                for relative in self.files
            }
            args = {key: image_id(value) or value for key, value in self.build_args.items()}
            digest = inputs_digest(parts, args)
            tag = image_tag(self.name, digest)
            if force or image_id(tag) is None:
                if self.needs_pip and HOST_CA_BUNDLE.is_file():
                    shutil.copyfile(HOST_CA_BUNDLE, context / "pip-ca.crt")
                command = build_command(tag, context, self.dockerfile, self.build_args)
                _run_build(command, BUILD_DIR / f"{slug}.log", tag)
            else:
                print(f"{tag} is up to date")
        _docker("tag", tag, f"{self.name}:{STABLE_TAG}")
        _remove_older_builds(self.name, tag)
        return tag


def stale_tags(name: str, tags: Sequence[str], current: str) -> list[str]:
    """The content tags of earlier builds of `name` (all but the current one and `dev`)."""
    keep = {current.rpartition(":")[2], STABLE_TAG}
    return [f"{name}:{tag}" for tag in tags if tag not in keep and tag != "<none>"]


def _remove_older_builds(name: str, current: str) -> None:
    """Untags earlier builds of the image so the engine keeps one build of each image."""
    tags = _docker("image", "ls", name, "--format", "{{.Tag}}").split()
    for reference in stale_tags(name, tags, current):
        _docker("image", "rm", reference, check=False)  # an image a container uses stays


# --------------------------------------------------------------------------- local bases


def ensure_debian_base() -> str:
    """The imported Debian 12 minbase image, from the cached tarball (debootstrapped once)."""
    if image_id(DEBIAN_BASE):
        return DEBIAN_BASE
    tarball = cache_dir() / "debian-bookworm-minbase.tar"
    if not tarball.exists():
        if shutil.which("debootstrap") is None:
            raise ImageBuildError(
                "debootstrap is needed to make a local base image: apt-get install debootstrap"
            )
        tarball.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=tarball.parent, prefix=".debootstrap-") as work:
            tree = Path(work) / "tree"
            log_path = BUILD_DIR / "debootstrap.log"
            log_path.parent.mkdir(parents=True, exist_ok=True)
            print(f"Making a Debian 12 base with debootstrap (about two minutes; log {log_path})")
            with log_path.open("w") as log:
                result = subprocess.run(
                    debootstrap_command(tree), stdout=log, stderr=subprocess.STDOUT, check=False
                )
            if result.returncode != 0:
                raise ImageBuildError(
                    f"debootstrap failed (exit {result.returncode}); last lines of {log_path}:\n"
                    f"{opensearch_dev.tail(log_path, 25)}"
                )
            partial = Path(work) / "base.tar"
            subprocess.run(["tar", "-C", str(tree), "-cf", str(partial), "."], check=True)
            partial.rename(tarball)
    print(f"Importing {tarball} as {DEBIAN_BASE}")
    with tarball.open("rb") as stream:
        result = subprocess.run(
            ["docker", "import", "-", DEBIAN_BASE],
            stdin=stream,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise ImageBuildError(f"docker import failed: {result.stderr.strip()}")
    return DEBIAN_BASE


def ensure_local_base(name: str) -> str:
    """A local base image (Python or Java on Debian 12), built once and kept in the engine."""
    if image_id(name):
        return name
    debian = ensure_debian_base()
    dockerfile = REPO_ROOT / "docker" / "local-base.Dockerfile"
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=BUILD_DIR, prefix=".base-") as work:
        context = Path(work)
        shutil.copyfile(dockerfile, context / "Dockerfile")
        command = build_command(
            name,
            context,
            "Dockerfile",
            {"DEBIAN_BASE": debian, "PACKAGES": LOCAL_PACKAGES[name]},
        )
        _run_build(command, BUILD_DIR / f"{name.replace('/', '-')}.log", name)
    return name


# --------------------------------------------------------------------------- the images


def _repo(*paths: str) -> dict[str, Path]:
    return {path: REPO_ROOT / path for path in paths}


def python_base(preference: str) -> str:
    """The base of the Python images: python:3.11-slim when usable, else the local one."""
    if choose_base(preference, lambda: present_or_pulled(UPSTREAM_PYTHON)) == "upstream":
        return UPSTREAM_PYTHON
    return ensure_local_base(LOCAL_PYTHON)


def api_image(base: str) -> Image:
    files = _repo(
        "Dockerfile",
        "pyproject.toml",
        "setup.cfg",
        "README.md",
        "service",
        "indexer",
        "devstack",
        "mappings",
        "docker/probe.py",
    )
    return Image(API_IMAGE, "Dockerfile", files, {"PYTHON_BASE": base}, needs_pip=True)


def dynamodb_image(base: str) -> Image:
    files = _repo(
        "docker/dynamodb.Dockerfile", "setup.cfg", "devstack/dynamodb_server.py", "docker/probe.py"
    )
    return Image(
        DYNAMODB_IMAGE, "docker/dynamodb.Dockerfile", files, {"PYTHON_BASE": base}, needs_pip=True
    )


def opensearch_image(preference: str) -> Image:
    """The official image with its plugins when usable, else the Maven-provisioned one."""
    scripts = _repo("docker/opensearch-health.sh")
    if choose_base(preference, lambda: present_or_pulled(UPSTREAM_OPENSEARCH)) == "upstream":
        files = {**scripts, **_repo("docker/opensearch.Dockerfile")}
        args = {"OPENSEARCH_BASE": UPSTREAM_OPENSEARCH}
        return Image(OPENSEARCH_IMAGE, "docker/opensearch.Dockerfile", files, args)
    print("Provisioning OpenSearch with Maven (cached after the first run)...")
    home = opensearch_dev.provision()
    files = {
        **scripts,
        **_repo("docker/opensearch-local.Dockerfile", "docker/opensearch-entrypoint.sh"),
        "home": home,
    }
    args = {"JAVA_BASE": ensure_local_base(LOCAL_JAVA)}
    # The home's jars are rebuilt by every fresh clone (their zip entries carry build times); what
    # it was built from identifies it (OpenSearch version, modules, plugin sources).
    sources = opensearch_dev.source_fingerprint(opensearch_dev.OPENSEARCH_VERSION)
    return Image(
        OPENSEARCH_IMAGE,
        "docker/opensearch-local.Dockerfile",
        files,
        args,
        identities={"home": f"provisioned:{sources}"},
    )


def build_all(preference: str = "auto", force: bool = False) -> dict[str, str]:
    """Builds (or finds up to date) every image; returns image name -> content tag."""
    if preference not in PREFERENCES:
        raise ValueError(f"base preference must be one of {', '.join(PREFERENCES)}")
    base = python_base(preference)
    images = [api_image(base), dynamodb_image(base), opensearch_image(preference)]
    tags = {image.name: image.build(force) for image in images}
    # The classic builder keeps each builder stage as an untagged image; they hold pip-ca.crt.
    _docker("image", "prune", "--force", "--filter", f"label={BUILDER_LABEL}")
    return tags
