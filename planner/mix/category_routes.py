"""The government's category list: everyone holding a role in the government reads it; the
system administrators of the government add, edit, reorder, deactivate and reactivate."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from planner.domain.access import Action
from planner.domain.content import ParticipationLevel
from planner.domain.errors import NotVisible, RuleViolated, StaleEdit
from planner.extensions import db
from planner.mix.forms import CategoryActiveForm, CategoryEditForm, CategoryForm, CategoryMoveForm
from planner.mix.routes import bp
from planner.models import Category, Unit
from planner.permissions import MAX_ID, Access, current_access
from planner.queries.posts import government_ids
from planner.services import categories as service

INVALID = 422
CONFLICT = 409


def _id(value) -> int:
    if not 0 < value < MAX_ID:
        raise NotVisible("id")
    return value


def fetch_government(access: Access, government_id: int, action: Action) -> Unit:
    """A government the person holds a role in (else 404), if they may do `action` (else 403)."""
    if _id(government_id) not in government_ids(access):
        raise NotVisible(Unit.__name__)
    government = db.session.scalar(select(Unit).where(Unit.id == government_id,
                                                      Unit.parent_id.is_(None)))
    if government is None:
        raise NotVisible(Unit.__name__)
    access.require(action, government)
    return government


def fetch_category(access: Access, category_id: int, action: Action) -> Category:
    """A category of a government the person holds a role in (else 404), if they may do
    `action` to it (else 403)."""
    category = db.session.scalar(select(Category).where(
        Category.id == _id(category_id), Category.government_id.in_(government_ids(access))))
    if category is None:
        raise NotVisible(Category.__name__)
    access.require(action, category)
    return category


@bp.route("/categories")
def categories():
    access = current_access()
    ids = government_ids(access)
    governments = list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.name)))
    listed = list(db.session.scalars(select(Category).where(Category.government_id.in_(ids))
                                     .order_by(Category.position, Category.id)))
    rows = [(g, [c for c in listed if c.government_id == g.id],
             access.can(Action.MANAGE_CATEGORIES, g)) for g in governments]
    return render_template("mix/categories.html", rows=rows)


@bp.route("/governments/<int:government_id>/categories/new", methods=["GET", "POST"])
def new_category(government_id: int):
    access = current_access()
    government = fetch_government(access, government_id, Action.MANAGE_CATEGORIES)
    form = CategoryForm()
    status = 200
    if form.validate_on_submit():
        try:
            category = service.create_category(
                current_user, access, government, code=form.code.data, name=form.name.data,
                participation=ParticipationLevel(form.participation.data),
                fast_track=form.fast_track_allowed.data)
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("The category %(name)s has been added.", name=category.name), "success")
            return redirect(url_for("mix.categories"))
    if form.is_submitted():
        status = INVALID
    return render_template("mix/category_form.html", form=form, government=government,
                           category=None), status


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
def edit_category(category_id: int):
    access = current_access()
    category = fetch_category(access, category_id, Action.MANAGE_CATEGORIES)
    form = CategoryEditForm(obj=category)
    if request.method != "POST":
        form.participation.data = category.participation.value
        form.loaded.data = service.fingerprint(category)
    status = 200
    if form.validate_on_submit():
        try:
            service.update_category(current_user, access, category, form.loaded.data or None,
                                    name=form.name.data,
                                    participation=ParticipationLevel(form.participation.data),
                                    fast_track=form.fast_track_allowed.data)
        except RuleViolated as error:
            form.apply(error)
        except StaleEdit as error:
            db.session.expire_all()
            category = fetch_category(access, category_id, Action.MANAGE_CATEGORIES)
            form = CategoryEditForm(formdata=None, obj=category)
            form.participation.data = category.participation.value
            form.loaded.data = service.fingerprint(category)
            form.apply_stale(error, category.government)
            return render_template("mix/category_form.html", form=form, category=category,
                                   government=category.government), CONFLICT
        else:
            flash(_("The category %(name)s has been saved.", name=category.name), "success")
            return redirect(url_for("mix.categories"))
    if form.is_submitted():
        status = INVALID
    return render_template("mix/category_form.html", form=form, category=category,
                           government=category.government), status


@bp.post("/categories/<int:category_id>/move")
def move_category(category_id: int):
    access = current_access()
    category = fetch_category(access, category_id, Action.MANAGE_CATEGORIES)
    form = CategoryMoveForm()
    if not form.validate_on_submit():
        abort(400)
    service.move_category(current_user, access, category, form.direction.data)
    return redirect(url_for("mix.categories") + f"#category-{category.id}")


@bp.post("/categories/<int:category_id>/active")
def category_active(category_id: int):
    access = current_access()
    category = fetch_category(access, category_id, Action.MANAGE_CATEGORIES)
    form = CategoryActiveForm()
    if not form.validate_on_submit():
        abort(400)
    active = form.active.data == "1"
    service.set_active(current_user, access, category, active)
    if active:
        flash(_("The category %(name)s is offered again for new posts and targets.",
                name=category.name), "success")
    else:
        flash(_("The category %(name)s is no longer offered for new posts and targets; the posts "
                "and targets that have it keep it.", name=category.name), "success")
    return redirect(url_for("mix.categories") + f"#category-{category.id}")
