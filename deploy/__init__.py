"""Running Haechi as replicas: haproxy configuration and the launcher of `make run-scaled`."""
