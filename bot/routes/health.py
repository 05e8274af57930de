"""GET /healthz: each dependency and the model version."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from agent.rasa_client import RasaUnavailable
from bot.routes.dependencies import DatabaseDep, RasaDep, SettingsDep
from bot.schemas import DependencyHealth, HealthResponse
from knowledge.database import database_is_reachable

router = APIRouter(tags=["health"])


async def _action_server(url: str) -> DependencyHealth:
    try:
        async with httpx.AsyncClient(timeout=5.0) as client:
            response = await client.get(f"{url}/health")
        return DependencyHealth(ok=response.status_code == 200)
    except httpx.HTTPError as error:
        return DependencyHealth(ok=False, detail=type(error).__name__)


@router.get("/healthz", response_model=HealthResponse)
async def healthz(rasa: RasaDep, database: DatabaseDep, settings: SettingsDep) -> JSONResponse:
    model: dict[str, object] | None = None
    try:
        status = await rasa.status()
        model = {
            "file": status.get("model_file"),
            "id": status.get("model_id"),
            "fingerprint": status.get("fingerprint", {}).get("trained_at")
            if isinstance(status.get("fingerprint"), dict)
            else None,
        }
        rasa_health = DependencyHealth(ok=bool(status.get("model_file")))
        if not rasa_health.ok:
            rasa_health.detail = "no model loaded"
        elif not rasa.warm:
            # Rasa's first inference builds its TensorFlow graphs (about 2.6 s on 2 cores):
            # pay it here, once, so that "healthy" means the first citizen is answered warm.
            await rasa.warm_up()  # agent/rasa_client.py: a message with its morphemes
            rasa.warm = True
    except RasaUnavailable as error:
        rasa_health = DependencyHealth(ok=False, detail=str(error))
    actions = await _action_server(settings.action_server_url)
    database_ok = await asyncio.to_thread(database_is_reachable, database)
    dependencies = {
        "rasa": rasa_health,
        "action_server": actions,
        "database": DependencyHealth(ok=database_ok),
    }
    healthy = all(d.ok for d in dependencies.values())
    body = HealthResponse(
        status="ok" if healthy else "degraded", dependencies=dependencies, model=model
    )
    return JSONResponse(status_code=200 if healthy else 503, content=body.model_dump())
