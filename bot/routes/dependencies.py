"""Dependencies shared by the routes, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from agent.rasa_client import RasaClient
from agent.session_secrets import SessionSecrets
from agent.translation import TranslatingAgent
from bot.settings import GatewaySettings, get_settings
from bot.staff.identity import CurrentStaff, DbSession, StaffWriter


def _rasa(request: Request) -> RasaClient:
    client: RasaClient = request.app.state.rasa
    return client


def _agent(request: Request) -> TranslatingAgent:
    agent: TranslatingAgent = request.app.state.agent
    return agent


def _database(request: Request) -> Engine:
    engine: Engine = request.app.state.database
    return engine


def _session_secrets(request: Request) -> SessionSecrets:
    secrets: SessionSecrets = request.app.state.session_secrets
    return secrets


AgentDep = Annotated[TranslatingAgent, Depends(_agent)]
RasaDep = Annotated[RasaClient, Depends(_rasa)]
DatabaseDep = Annotated[Engine, Depends(_database)]
SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]
SessionSecretsDep = Annotated[SessionSecrets, Depends(_session_secrets)]

__all__ = ["CurrentStaff", "DatabaseDep", "DbSession", "RasaDep", "SettingsDep", "StaffWriter"]
