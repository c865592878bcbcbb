"""The client's address for the login throttle (django-axes), proxy-aware only when told so.

Behind nginx every request comes from the proxy's address; the client's is in
``X-Forwarded-For``, which a client can also forge. So the header is read only when the
request comes from a proxy listed in ``TRUSTED_PROXIES``, and then from the right: the first
address there that is not a trusted proxy is the one the proxy saw.
"""

import ipaddress

from django.conf import settings


def _networks():
    return [ipaddress.ip_network(p, strict=False) for p in getattr(settings, "TRUSTED_PROXIES", [])]


def _is_trusted(address, networks):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks()
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for address in reversed([a.strip() for a in forwarded.split(",") if a.strip()]):
        if _is_trusted(address, networks):
            continue
        try:
            return str(ipaddress.ip_address(address))
        except ValueError:
            return remote  # not an address: the proxy did not write it
    return remote
