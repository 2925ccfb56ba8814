"""The client's address, read one way everywhere: the API's rate limit, django-axes
(AXES_CLIENT_IP_CALLABLE) and the request log.

With no proxy (PROXY_COUNT=0) it is the socket's address and any X-Forwarded-For is ignored.
Behind N trusted proxies it is the N-th address from the right of X-Forwarded-For: each proxy
appends the address it saw, so whatever a client writes into the header itself sits further
left and is never read. (This module imports no models: the log formatter uses it.)
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.PROXY_COUNT
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if not hops:
        return remote
    candidate = hops[-proxies] if len(hops) >= proxies else hops[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
