"""Posts and what happens to them: their per-channel variants, the steps performed,
comments, publication evidence."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.domain import workflow
from planner.domain.content import CommunicationFunction, Platform, PostState, StepKind
from planner.models.base import Base, UTCDateTime, utcnow
from planner.models.agenda import AgendaEvent
from planner.models.channels import Channel, UploadSlot
from planner.models.content import Category
from planner.models.org import Person, Unit, _enum
from planner.models.sop import SopVersion


class Post(Base):
    """A piece of content a unit plans, has approved under its SOP, and publishes."""

    __tablename__ = "post"
    __table_args__ = (Index("ix_post_unit_state", "unit_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")  # the brief
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    function: Mapped[CommunicationFunction] = mapped_column(
        _enum(CommunicationFunction, "communication_function"),
        default=CommunicationFunction.INFORM, server_default=CommunicationFunction.INFORM.value)
    campaign: Mapped[str | None] = mapped_column(String(120), index=True)
    hashtags: Mapped[str] = mapped_column(String(500), default="", server_default="")
    website_url: Mapped[str | None] = mapped_column(String(500))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    # The agenda event the post covers, when it was started from one.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_event.id"), index=True)
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    state: Mapped[PostState] = mapped_column(_enum(PostState, "post_state"), default=PostState.DRAFT)
    # Pinned when first submitted; the post finishes on this version.
    sop_version_id: Mapped[int | None] = mapped_column(ForeignKey("sop_version.id"), index=True)
    # The step the post waits on: an approval step in review, the next distribution or
    # evaluation step once published (None when every step is done).
    step_position: Mapped[int | None] = mapped_column(Integer)
    step_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    round: Mapped[int] = mapped_column(Integer, default=0)
    returned_reason: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ratified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    last_action: Mapped[str | None] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Unit] = relationship()
    category: Mapped[Category] = relationship()
    author: Mapped[Person] = relationship(foreign_keys=[author_id])
    assignee: Mapped[Person | None] = relationship(foreign_keys=[assignee_id])
    event: Mapped[AgendaEvent | None] = relationship()
    variants: Mapped[list["PostVariant"]] = relationship(back_populates="post",
                                                        order_by="PostVariant.id")
    updated_by: Mapped[Person | None] = relationship(foreign_keys=[updated_by_id])
    sop_version: Mapped[SopVersion | None] = relationship()
    steps: Mapped[list["PostStep"]] = relationship(back_populates="post", order_by="PostStep.id")
    comments: Mapped[list["PostComment"]] = relationship(back_populates="post",
                                                        order_by="PostComment.id")
    publications: Mapped[list["PostPublication"]] = relationship(back_populates="post",
                                                                order_by="PostPublication.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def scope_unit(self) -> Unit:
        return self.unit

    def facts(self, steps: list["PostStep"] | None = None) -> workflow.PostFacts:
        """The plain form the workflow engine reads."""
        steps = self.steps if steps is None else steps
        return workflow.PostFacts(
            state=self.state, author=self.author_id, category=self.category.code,
            round=self.round, step_position=self.step_position,
            step_started_at=self.step_started_at, published_at=self.published_at,
            ratified=self.ratified_at is not None,
            done=[workflow.Done(s.round, s.step_position, s.step_kind, s.actor_id)
                  for s in steps if s.step_position is not None
                  and s.action in ("submit", "approve", "complete")])


class PostVariant(Base):
    """What the post says on one channel: its own caption, media, assets and time.  A
    variant that fills an upload slot keeps the slot."""

    __tablename__ = "post_variant"
    __table_args__ = (
        UniqueConstraint("post_id", "channel_id"),
        Index("ix_post_variant_channel_planned", "channel_id", "planned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    caption: Mapped[str] = mapped_column(Text, default="")
    media_notes: Mapped[str] = mapped_column(Text, default="")
    # One address per line: the design file, the photo folder, the edited video.
    asset_links: Mapped[str] = mapped_column(Text, default="")
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("upload_slot.id"), index=True)

    post: Mapped[Post] = relationship(back_populates="variants")
    channel: Mapped[Channel] = relationship()
    slot: Mapped[UploadSlot | None] = relationship()

    @property
    def scope_unit(self) -> Unit:
        return self.post.unit


class PostStep(Base):
    """One action on a post: the transition, the SOP version and step it was performed
    under, who did it (and for whom, if acting), the checklist ticked, the reason."""

    __tablename__ = "post_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    sop_version_id: Mapped[int | None] = mapped_column(ForeignKey("sop_version.id"))
    step_position: Mapped[int | None] = mapped_column(Integer)
    step_kind: Mapped[StepKind | None] = mapped_column(_enum(StepKind, "post_step_kind"))
    from_state: Mapped[PostState] = mapped_column(_enum(PostState, "post_step_from_state"))
    to_state: Mapped[PostState] = mapped_column(_enum(PostState, "post_step_to_state"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    acting_kind: Mapped[str | None] = mapped_column(String(10))
    acting_role: Mapped[str | None] = mapped_column(String(20))
    performed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checklist: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(Text)

    post: Mapped[Post] = relationship(back_populates="steps")
    actor: Mapped[Person] = relationship(foreign_keys=[actor_id])
    on_behalf_of: Mapped[Person | None] = relationship(foreign_keys=[on_behalf_of_id])
    sop_version: Mapped[SopVersion | None] = relationship()

    @property
    def scope_unit(self) -> Unit:
        return self.post.unit


class PostComment(Base):
    """The conversation about a post between its author and its reviewers."""

    __tablename__ = "post_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post: Mapped[Post] = relationship(back_populates="comments")
    author: Mapped[Person] = relationship()

    @property
    def scope_unit(self) -> Unit:
        return self.post.unit


class PostPublication(Base):
    """Evidence of publication: the address of the post on one platform."""

    __tablename__ = "post_publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    platform: Mapped[Platform] = mapped_column(_enum(Platform, "platform"))
    # The variant published, for posts planned per channel.
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("post_variant.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    # When it went out on the platform (the record may be made later).
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))

    post: Mapped[Post] = relationship(back_populates="publications")
    recorded_by: Mapped[Person] = relationship()
    variant: Mapped[PostVariant | None] = relationship()

    @property
    def scope_unit(self) -> Unit:
        return self.post.unit
