"""The cerberus schema of each document kind, shipped inside the package and read through importlib.resources."""
