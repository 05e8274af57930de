"""Dependencies shared by the routes, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from agent.rasa_client import RasaClient
from agent.voice import Voice
from bot.settings import GatewaySettings, get_settings


def _rasa(request: Request) -> RasaClient:
    client: RasaClient = request.app.state.rasa
    return client


def _database(request: Request) -> Engine:
    engine: Engine = request.app.state.database
    return engine


def _voice(request: Request) -> Voice:
    voice: Voice = request.app.state.voice
    return voice


RasaDep = Annotated[RasaClient, Depends(_rasa)]
DatabaseDep = Annotated[Engine, Depends(_database)]
VoiceDep = Annotated[Voice, Depends(_voice)]
SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]
