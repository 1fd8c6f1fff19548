"""Grows a config folder that holds one profile (and, for the file store, its secret and cached
token) to N profiles, copies of the first under other names, each with its own secret and cached
token: what a platform team's folder looks like, made in seconds instead of N setups.
Usage: many_profiles.py CONFIG_DIR N"""
import re
import sys
import tomllib

config, n = sys.argv[1], int(sys.argv[2])
profiles_path = f"{config}/profiles.toml"
text = open(profiles_path).read()
doc = tomllib.loads(text)
(name, profile), = doc["profiles"].items()
ref = profile["secret_ref"]
block = text[text.index(f"[profiles.{name}]"):]
extra = []
for i in range(1, n):
    other = f"{name}-{i:05d}"
    extra.append(block.replace(f"profiles.{name}", f"profiles.{other}").replace(ref, f"{ref}-{i:05d}"))
open(profiles_path, "a").write("\n" + "\n".join(extra))

try:
    secrets = open(f"{config}/secrets.toml").read()
except FileNotFoundError:
    sys.exit(0)
lines = [l for l in secrets.splitlines() if l.startswith(ref) or l.startswith(f'"{ref}')]
more = []
for i in range(1, n):
    for l in lines:
        more.append(l.replace(ref, f"{ref}-{i:05d}", 1))
open(f"{config}/secrets.toml", "a").write("\n" + "\n".join(more) + "\n")
