"""Every sentence the bot says, French first. `t(lang, key, **values)` picks and fills one.

Values are inserted as plain text; channel adapters escape them for their platform.
"""

from __future__ import annotations

LANGUAGES = ("fr", "en")

CATALOGUE: dict[str, dict[str, str]] = {
    # Joining
    "not_member": {
        "fr": "Bonjour ! Boucle relie les associations d'aide alimentaire du réseau.\n"
        "Pour participer, demandez un code d'invitation au coordinateur de votre association, "
        "puis envoyez : /start CODE",
        "en": "Hello! Boucle links the food-aid associations of the network.\n"
        "To join, ask your association's coordinator for an invite code, then send: /start CODE",
    },
    "start_needs_code": {
        "fr": "Il manque le code d'invitation. Envoyez : /start CODE (le code donné par votre "
        "coordinateur, par ex. /start K7M2QX9P).",
        "en": "The invite code is missing. Send: /start CODE (e.g. /start K7M2QX9P).",
    },
    "invite_unknown": {
        "fr": "Ce code d'invitation n'existe pas. Vérifiez-le (8 caractères, sans espace) ou "
        "demandez-en un nouveau à votre coordinateur.",
        "en": "This invite code does not exist. Check it or ask your coordinator for a new one.",
    },
    "invite_used": {
        "fr": "Ce code a déjà servi. Chaque code ne sert qu'une fois : demandez-en un nouveau "
        "à votre coordinateur.",
        "en": "This code was already used. Each code works once: ask your coordinator for a "
        "new one.",
    },
    "already_member": {
        "fr": "Vous êtes déjà inscrit·e ({association}). Envoyez /aide pour voir les commandes.",
        "en": "You are already registered ({association}). Send /help to see the commands.",
    },
    "welcome": {
        "fr": "Bienvenue {name} ! Vous représentez {association} dans le réseau Boucle.\n"
        "Les 3 commandes utiles :\n"
        "• /besoin 30 kg de riz pour vendredi\n"
        "• /don 20 cagettes de pommes à Narbonne\n"
        "• /prendre 12 pour prendre l'annonce n°12\n"
        "Vous pouvez aussi écrire simplement, comme à un collègue. /aide pour le reste.",
        "en": "Welcome {name}! You represent {association} in the Boucle network.\n"
        "The 3 useful commands:\n"
        "• /besoin 30 kg de riz pour vendredi (a need)\n"
        "• /don 20 cagettes de pommes à Narbonne (an offer)\n"
        "• /prendre 12 to take post #12\n"
        "You can also just write in plain words. /help for the rest.",
    },
    "member_joined": {
        "fr": "{name} a rejoint {association} sur Boucle.",
        "en": "{name} joined {association} on Boucle.",
    },
    "invite_created": {
        "fr": "Code d'invitation pour {association} ({role}) : {code}\n"
        "La personne envoie au bot : /start {code}{link}\nCe code ne sert qu'une fois.",
        "en": "Invite code for {association} ({role}): {code}\n"
        "The person sends the bot: /start {code}{link}\nThe code works once.",
    },
    "invite_usage": {
        "fr": "Usage : /inviter (membre de votre association) ou /inviter coordinateur.",
        "en": "Usage: /invite (member of your association) or /invite coordinator.",
    },
    "role_member": {"fr": "membre", "en": "member"},
    "role_coordinator": {"fr": "coordinateur·rice", "en": "coordinator"},
    # Who hears of a new member (issue 9): the coordinators, at once or in their digest.
    "arrivals_direct": {
        "fr": "Chaque arrivée dans {association} vous est annoncée à mesure, en une ligne. "
        "/arrivees digest pour les recevoir plutôt dans votre point quotidien.",
        "en": "Each new member of {association} is announced to you at once, in one line. "
        "/arrivees digest to get them in your daily digest instead.",
    },
    "arrivals_digest": {
        "fr": "Les arrivées dans {association} sont comptées dans votre point quotidien "
        "({time}). /arrivees direct pour les recevoir à mesure.",
        "en": "New members of {association} are counted in your daily digest ({time}). "
        "/arrivees direct to get them at once.",
    },
    "arrivals_digest_but_off": {
        "fr": "Les arrivées dans {association} iront dans votre point quotidien, mais il est "
        "arrêté : d'ici là, elles vous sont annoncées à mesure. /digest 8h pour le reprendre.",
        "en": "New members of {association} will go in your daily digest, but it is stopped: "
        "until then, they are announced to you at once. /digest 8h to get it again.",
    },
    "arrivals_usage": {
        "fr": "Usage : /arrivees direct (une ligne à chaque arrivée dans votre association) "
        "ou /arrivees digest (dans votre point quotidien).",
        "en": "Usage: /arrivees direct (one line for each new member of your association) "
        "or /arrivees digest (in your daily digest).",
    },
    # Permissions and generic errors
    "coordinators_only": {
        "fr": "Cette commande est réservée aux coordinateurs.",
        "en": "This command is for coordinators only.",
    },
    "unknown_command": {
        "fr": "Je ne connais pas la commande /{name}. Envoyez /aide pour la liste.",
        "en": "I don't know the command /{name}. Send /help for the list.",
    },
    "internal_error": {
        "fr": "Désolé, un problème de notre côté m'a empêché de traiter votre message. "
        "Il est bien enregistré ; réessayez dans un instant.",
        "en": "Sorry, a problem on our side stopped me from handling your message. "
        "It is saved; please try again in a moment.",
    },
    "too_long": {
        "fr": "Votre message est trop long ({length} caractères, maximum {limit}). "
        "Gardez l'essentiel : quoi, combien, pour quand, où.",
        "en": "Your message is too long ({length} characters, at most {limit}). "
        "Keep what matters: what, how much, by when, where.",
    },
    "unsupported": {
        "fr": "Je ne lis que le texte. Écrivez votre annonce en quelques mots, "
        "par ex. « besoin de 20 kg de pâtes pour jeudi ».",
        "en": "I only read text. Write your post in a few words, "
        'e.g. "besoin de 20 kg de pâtes pour jeudi".',
    },
    "not_understood": {
        "fr": "Je n'ai pas compris. Pour publier : /besoin, /don ou /materiel suivi de quelques "
        "mots (quoi, combien, quand, où). /aide pour les exemples.",
        "en": "I did not understand. To post: /besoin, /don or /materiel followed by a few "
        "words (what, how much, when, where). /help for examples.",
    },
    "need_or_offer": {
        "fr": "C'est un besoin ou un don ? Renvoyez votre message avec la bonne commande :\n"
        "/besoin {text}\n/don {text}",
        "en": "Is it a need or an offer? Send your message again with the right command:\n"
        "/besoin {text}\n/don {text}",
    },
    "greeting_reply": {
        "fr": "Bonjour ! Dites-moi ce dont vous avez besoin ou ce que vous avez à donner. "
        "/aide pour les exemples.",
        "en": "Hello! Tell me what you need or what you have to give. /help for examples.",
    },
    # Posts
    "ask_what": {
        "fr": "Qu'est-ce qui est {kind_verb} exactement ? Répondez en quelques mots "
        "(ex. « 20 kg de pâtes »).",
        "en": 'What exactly is {kind_verb}? Answer in a few words (e.g. "20 kg of pasta").',
    },
    "ask_dlc": {
        "fr": "Ces produits doivent rester au froid : quelle est leur date limite (DLC) ? "
        "Répondez par une date, ex. « vendredi » ou « 12/12 ».",
        "en": "These goods must stay cold: what is their use-by date (DLC)? "
        'Answer with a date, e.g. "vendredi" or "12/12".',
    },
    "ask_invalid_date": {
        "fr": "La date « {date} » n'existe pas. Quelle date vouliez-vous dire ? "
        "(ex. « 28/02 » ou « vendredi »)",
        "en": 'The date "{date}" does not exist. Which date did you mean? '
        '(e.g. "28/02" or "vendredi")',
    },
    "draft_dropped": {
        "fr": "D'accord, j'oublie l'annonce en cours.",
        "en": "OK, I dropped the post in progress.",
    },
    "kind_verb_need": {"fr": "nécessaire", "en": "needed"},
    "kind_verb_offer": {"fr": "à donner", "en": "offered"},
    "kind_verb_equipment_request": {"fr": "recherché", "en": "looked for"},
    "kind_verb_equipment_offer": {"fr": "proposé", "en": "offered"},
    "kind_need": {"fr": "Besoin", "en": "Need"},
    "kind_offer": {"fr": "Don", "en": "Offer"},
    "kind_equipment_request": {"fr": "Recherche de matériel", "en": "Equipment wanted"},
    "kind_equipment_offer": {"fr": "Matériel disponible", "en": "Equipment available"},
    "post_published": {
        "fr": "✅ Annonce #{id} publiée : {kind}.",
        "en": "✅ Post #{id} published: {kind}.",
    },
    "post_summary_what": {"fr": "Quoi : {what}", "en": "What: {what}"},
    "post_summary_quantity": {"fr": "Combien : {quantity}", "en": "How much: {quantity}"},
    "post_summary_deadline": {"fr": "Pour quand : {deadline}", "en": "By when: {deadline}"},
    "post_summary_deadline_dlc": {"fr": "DLC : {deadline}", "en": "Use-by: {deadline}"},
    "post_summary_deadline_ddm": {"fr": "DDM : {deadline}", "en": "Best-before: {deadline}"},
    "post_summary_place": {"fr": "Où : {place}", "en": "Where: {place}"},
    "post_summary_cold": {"fr": "❄️ Chaîne du froid", "en": "❄️ Keep cold"},
    "post_summary_unknown": {"fr": "non précisé", "en": "not given"},
    # How far a post went (handlers/audience.py): associations within reach, or all of them
    # when the post's place is unknown, or nobody.
    "post_relayed_to": {
        "fr": "Envoyée à {count} association(s) proche(s) (dans un rayon de {radius} km).",
        "en": "Sent to {count} nearby association(s) (within {radius} km).",
    },
    "post_relayed_to_all": {
        "fr": "Envoyée à {count} association(s) : le lieu de l'annonce est inconnu, elle va à "
        "toutes celles que sa catégorie intéresse.",
        "en": "Sent to {count} association(s): the post's place is unknown, so it goes to all "
        "those its category concerns.",
    },
    "post_relayed_to_none": {
        "fr": "Aucune association intéressée n'est à portée (rayon de {radius} km) : personne "
        "n'a été prévenu, mais l'annonce reste visible de tous dans /liste.",
        "en": "No interested association is within reach ({radius} km): nobody was notified, "
        "but the post stays visible to everyone in /liste.",
    },
    # Each member's preferences (/notifs): the modes in words.
    "notify_mode_all": {"fr": "tout", "en": "everything"},
    "notify_mode_urgent": {"fr": "les urgences seulement", "en": "urgent posts only"},
    "notify_mode_digest": {"fr": "le point quotidien seulement", "en": "the daily digest only"},
    "notify_mode_off": {"fr": "rien", "en": "nothing"},
    "post_next_steps": {
        "fr": "Corriger : /corriger {id} TEXTE · Annuler : /annuler {id}",
        "en": "Fix: /corriger {id} TEXT · Cancel: /annuler {id}",
    },
    "ddm_past_note": {
        "fr": "Note : la date de durabilité minimale (DDM) est passée. Le don reste possible, "
        "signalez-le à qui le prendra.",
        "en": "Note: the best-before date (DDM) has passed. Giving it is still allowed; tell "
        "whoever takes it.",
    },
    "dlc_past_refused": {
        "fr": "Annonce refusée : la date limite de consommation (DLC) est dépassée. Ces produits "
        "ne peuvent plus être donnés (règle sanitaire). Si c'est une DDM (« à consommer de "
        "préférence »), réécrivez avec « DDM ».",
        "en": "Post refused: the use-by date (DLC) has passed. These goods may no longer be "
        'given away. If it is a best-before date, write again with "DDM".',
    },
    "deadline_past": {
        "fr": "La date {deadline} est déjà passée. Indiquez une date à venir "
        "(ex. « pour vendredi »).",
        "en": 'The date {deadline} has already passed. Give a future date (e.g. "pour vendredi").',
    },
    "quantity_invalid": {
        "fr": "La quantité doit être un nombre positif (ex. 20 kg, 3 cartons).",
        "en": "The quantity must be a positive number (e.g. 20 kg, 3 cartons).",
    },
    "quantity_absurd": {
        "fr": "{quantity} : cela paraît beaucoup. Vérifiez la quantité (maximum {limit}).",
        "en": "{quantity}: that seems a lot. Check the quantity (at most {limit}).",
    },
    "relay_title": {
        "fr": "{icon}{kind} #{id} · {association}",
        "en": "{icon}{kind} #{id} · {association}",
    },
    "relay_urgent_icon": {"fr": "🆘 URGENT · ", "en": "🆘 URGENT · "},
    "button_take_offer": {"fr": "Je prends", "en": "I'll take it"},
    "button_help_need": {"fr": "Je peux aider", "en": "I can help"},
    "relay_how_to_take": {
        "fr": "Pour le prendre : /prendre {id} (ou /prendre {id} QUANTITÉ pour une partie)",
        "en": "To take it: /prendre {id} (or /prendre {id} QUANTITY for part of it)",
    },
    "relay_how_to_help": {
        "fr": "Pour aider : /prendre {id}",
        "en": "To help: /prendre {id}",
    },
    # --- Matching and escalation (issue 11, handlers/matching.py, handlers/escalation.py) ---
    "match_for_your_post": {
        "fr": "🔗 {kind} #{id} à {distance} km correspond à votre annonce #{mine} "
        "« {mine_what} » :",
        "en": '🔗 {kind} #{id} {distance} km away matches your post #{mine} "{mine_what}":',
    },
    "match_line_need": {
        "fr": "🔗 Besoin(s) ouvert(s) qui correspondent : {ids}. Leurs auteurs sont prévenus.",
        "en": "🔗 Open need(s) that match: {ids}. Their authors have been told.",
    },
    "match_line_equipment_request": {
        "fr": "🔗 Recherche(s) de matériel qui correspondent : {ids}. Leurs auteurs sont prévenus.",
        "en": "🔗 Equipment request(s) that match: {ids}. Their authors have been told.",
    },
    "match_line_offer": {
        "fr": "🔗 Don(s) ouvert(s) qui correspondent : {ids}. Pour en prendre un : /prendre "
        "{first}",
        "en": "🔗 Open offer(s) that match: {ids}. To take one: /prendre {first}",
    },
    "match_line_equipment_offer": {
        "fr": "🔗 Matériel disponible qui correspond : {ids}. Pour le demander : /prendre {first}",
        "en": "🔗 Available equipment that matches: {ids}. To ask for it: /prendre {first}",
    },
    "escalation_ring2_intro": {
        "fr": "Toujours sans réponse après {hours} h : ce besoin urgent est maintenant envoyé "
        "plus loin. Pouvez-vous aider ?",
        "en": "Still unanswered after {hours} h: this urgent need is now sent further away. "
        "Can you help?",
    },
    "escalation_ring2_author": {
        "fr": "Votre besoin urgent #{id} « {what} » n'a pas encore trouvé d'aide : il vient "
        "d'être envoyé à {count} association(s) plus éloignée(s).",
        "en": 'Your urgent need #{id} "{what}" has no help yet: it was just sent to '
        "{count} association(s) further away.",
    },
    "escalation_coordinators_intro": {
        "fr": "📣 Aux coordinateurs du réseau : ce besoin urgent est sans réponse depuis "
        "{hours} h. Pouvez-vous aider, ou trouver qui le peut ?",
        "en": "📣 To the network's coordinators: this urgent need has been unanswered for "
        "{hours} h. Can you help, or find who can?",
    },
    "escalation_coordinators_author": {
        "fr": "Votre besoin urgent #{id} « {what} » est toujours sans réponse : les "
        "coordinateurs du réseau sont prévenus.",
        "en": 'Your urgent need #{id} "{what}" is still unanswered: the network\'s '
        "coordinators have been told.",
    },
    "dlc_midday_intro": {
        "fr": "⏰ Dernier rappel : DLC aujourd'hui, encore disponible.",
        "en": "⏰ Last call: use-by date today, still available.",
    },
    # --- A pending question knows its place (issue 9) ---
    "pending_missing_what": {
        "fr": "qu'est-ce qui est {kind_verb} ?",
        "en": "what exactly is {kind_verb}?",
    },
    "pending_missing_dlc": {"fr": "quelle est la DLC ?", "en": "what is the use-by date?"},
    "pending_missing_date": {"fr": "quelle date ?", "en": "which date?"},
    "pending_still_waiting": {
        "fr": "⏳ Votre annonce commencée attend toujours sa réponse : {missing} "
        "Répondez quand vous voulez, ou « annuler ».",
        "en": "⏳ The post you started is still waiting for its answer: {missing} "
        'Answer whenever you like, or "annuler".',
    },
    "pending_expired": {
        "fr": "La question posée plus tôt a expiré : rien n'a été publié. Pour publier, "
        "envoyez l'annonce complète, ex. /don 20 kg de pâtes.",
        "en": "The earlier question expired: nothing was published. To post, send the whole "
        "post, e.g. /don 20 kg de pâtes.",
    },
    "pending_no_goods": {
        "fr": "Je n'ai pas reconnu de produit dans « {text} ».",
        "en": 'I did not recognise any goods in "{text}".',
    },
    "pending_no_date": {
        "fr": "Je n'ai pas trouvé de date dans « {text} ».",
        "en": 'I did not find a date in "{text}".',
    },
    "pending_given_up": {
        "fr": "Je n'ai toujours pas trouvé la réponse, alors j'arrête là : rien n'a été publié. "
        "Pour publier, envoyez l'annonce complète en un message, ex. /don 20 kg de pâtes, "
        "DLC vendredi.",
        "en": "Still no answer found, so I stop here: nothing was published. To post, send "
        "the whole post in one message, e.g. /don 20 kg de pâtes, DLC vendredi.",
    },
    "pending_question_redirect": {
        "fr": "Pour vos questions : /aide (les commandes et des exemples), /liste (les annonces "
        "ouvertes).",
        "en": "For your questions: /help (commands and examples), /list (open posts).",
    },
    "pending_question_post": {
        "fr": "{line}\nPour y répondre : /prendre {id} · /aide pour le reste",
        "en": "{line}\nTo answer it: /prendre {id} · /help for the rest",
    },
    # Referring to posts
    "post_ref_missing": {
        "fr": "Indiquez le numéro de l'annonce, par ex. /{command} 12.",
        "en": "Give the post number, e.g. /{command} 12.",
    },
    "post_not_found": {
        "fr": "L'annonce #{id} n'existe pas. /liste montre les annonces ouvertes.",
        "en": "Post #{id} does not exist. /list shows the open posts.",
    },
    "post_not_open": {
        "fr": "L'annonce #{id} n'est plus ouverte ({status}). /liste montre les annonces ouvertes.",
        "en": "Post #{id} is no longer open ({status}). /list shows the open posts.",
    },
    "status_open": {"fr": "ouverte", "en": "open"},
    "status_taken": {"fr": "déjà prise", "en": "already taken"},
    "status_done": {"fr": "terminée", "en": "completed"},
    "status_cancelled": {"fr": "annulée", "en": "cancelled"},
    "status_expired": {"fr": "expirée", "en": "expired"},
    # Claims
    "claim_own_post": {
        "fr": "L'annonce #{id} est celle de votre association : vous ne pouvez pas la prendre. "
        "Pour la retirer : /annuler {id}",
        "en": "Post #{id} is your association's own: you cannot take it. To withdraw it: "
        "/annuler {id}",
    },
    "claim_already_yours": {
        "fr": "Votre association a déjà pris l'annonce #{id}. Une fois récupérée : /fait {id}",
        "en": "Your association already took post #{id}. Once collected: /fait {id}",
    },
    "claim_too_much": {
        "fr": "Il ne reste que {remaining} sur l'annonce #{id}. Prenez au plus cette quantité : "
        "/prendre {id} {remaining_plain}",
        "en": "Only {remaining} left on post #{id}. Take at most that: "
        "/prendre {id} {remaining_plain}",
    },
    "claim_unit_mismatch": {
        "fr": "L'annonce #{id} est comptée en {unit}. Indiquez la quantité dans cette unité, "
        "par ex. /prendre {id} {example}.",
        "en": "Post #{id} is counted in {unit}. Give the quantity in that unit, "
        "e.g. /prendre {id} {example}.",
    },
    "claim_usage": {
        "fr": "Usage : /prendre NUMÉRO [QUANTITÉ], par ex. /prendre 12 ou /prendre 12 10 kg.",
        "en": "Usage: /prendre NUMBER [QUANTITY], e.g. /prendre 12 or /prendre 12 10 kg.",
    },
    "claim_confirmed": {
        "fr": "👍 C'est noté : {association} prend {what_part} de l'annonce #{id}.\n"
        "Contact : {author} ({author_association}) — {contact}\n"
        "Une fois récupéré : /fait {id}",
        "en": "👍 Noted: {association} takes {what_part} of post #{id}.\n"
        "Contact: {author} ({author_association}) — {contact}\n"
        "Once collected: /fait {id}",
    },
    "claim_confirmed_need": {
        "fr": "👍 C'est noté : {association} aide pour l'annonce #{id} ({what_part}).\n"
        "Contact : {author} ({author_association}) — {contact}\n"
        "Une fois livré : /fait {id}",
        "en": "👍 Noted: {association} helps with post #{id} ({what_part}).\n"
        "Contact: {author} ({author_association}) — {contact}\n"
        "Once delivered: /fait {id}",
    },
    "claim_remaining": {
        "fr": "Il reste {remaining} disponible(s).",
        "en": "{remaining} still available.",
    },
    "claim_to_author": {
        "fr": "📦 {claimer} ({association}) prend {what_part} de votre annonce #{id} « {what} ».\n"
        "Contact : {contact}",
        "en": '📦 {claimer} ({association}) takes {what_part} of your post #{id} "{what}".\n'
        "Contact: {contact}",
    },
    "claim_to_author_need": {
        "fr": "🤝 {claimer} ({association}) peut aider pour votre besoin #{id} « {what} » "
        "({what_part}).\nContact : {contact}",
        "en": '🤝 {claimer} ({association}) can help with your need #{id} "{what}" '
        "({what_part}).\nContact: {contact}",
    },
    "claim_all": {"fr": "la totalité", "en": "all of it"},
    "contact_unknown": {"fr": "répondez-lui via Boucle", "en": "reply through Boucle"},
    # --- Phone number consent (issue 9, reachability) ---
    "welcome_number": {
        "fr": "Votre numéro n'est montré à personne. Pour que l'association avec qui vous "
        "échangez une annonce puisse vous appeler : NUMERO OUI.",
        "en": "Your number is shown to nobody. So that the association you exchange a post "
        "with can call you: NUMERO OUI.",
    },
    "number_shown": {
        "fr": "Votre numéro est montré à l'association avec qui vous échangez une annonce, "
        "jamais à tout le réseau. Pour le cacher : /numero non",
        "en": "Your number is shown to the association you exchange a post with, never to the "
        "whole network. To hide it: /numero non",
    },
    "number_hidden": {
        "fr": "Votre numéro n'est montré à personne. Pour le montrer à l'association avec qui "
        "vous échangez une annonce : /numero oui",
        "en": "Your number is shown to nobody. To show it to the association you exchange a "
        "post with: /numero oui",
    },
    "number_usage": {
        "fr": "Usage : /numero oui (montrer votre numéro à l'autre association d'un échange) ou "
        "/numero non (le cacher).",
        "en": "Usage: /numero oui (show your number to the other association of an exchange) "
        "or /numero non (hide it).",
    },
    # Done
    "done_usage": {
        "fr": "Usage : /fait NUMÉRO [QUANTITÉ], par ex. /fait 12 ou /fait 12 8 kg.",
        "en": "Usage: /fait NUMBER [QUANTITY], e.g. /fait 12 or /fait 12 8 kg.",
    },
    "done_nothing_to_close": {
        "fr": "Rien à clôturer sur l'annonce #{id} pour votre association : elle n'a pas été "
        "prise par vous. Pour la prendre : /prendre {id}",
        "en": "Nothing to close on post #{id} for your association: you did not take it. "
        "To take it: /prendre {id}",
    },
    "done_confirmed": {
        "fr": "✔️ Merci ! Annonce #{id} : {quantity} enregistré(s) comme récupéré(s)/livré(s).",
        "en": "✔️ Thanks! Post #{id}: {quantity} recorded as collected/delivered.",
    },
    "done_to_author": {
        "fr": "✔️ {association} indique que l'annonce #{id} « {what} » est récupérée/livrée "
        "({quantity}).",
        "en": '✔️ {association} says post #{id} "{what}" was collected/delivered ({quantity}).',
    },
    "done_by_author": {
        "fr": "✔️ Annonce #{id} clôturée. Merci !",
        "en": "✔️ Post #{id} closed. Thanks!",
    },
    "done_to_claimer": {
        "fr": "✔️ {association} a clôturé l'annonce #{id} « {what} ». Merci pour votre aide !",
        "en": '✔️ {association} closed post #{id} "{what}". Thanks for your help!',
    },
    # Figures that cannot be falsified (issue 9)
    "done_unit_mismatch": {
        "fr": "L'annonce #{id} est comptée en {unit}. Indiquez la quantité dans cette unité, "
        "par ex. /fait {id} {example}.",
        "en": "Post #{id} is counted in {unit}. Give the quantity in that unit, "
        "e.g. /fait {id} {example}.",
    },
    "done_more_than_claimed": {
        "fr": "Votre association a pris {claimed} de l'annonce #{id} : vous ne pouvez pas "
        "indiquer {asked}. Si tout est récupéré : /fait {id} {claimed_plain} (ou /fait {id}) ; "
        "si c'est moins, indiquez ce que vous avez eu : /fait {id} QUANTITÉ.",
        "en": "Your association took {claimed} of post #{id}: you cannot record {asked}. "
        "If you collected it all: /fait {id} {claimed_plain} (or /fait {id}); if less, give "
        "what you got: /fait {id} QUANTITY.",
    },
    "done_author_more_than_claimed": {
        "fr": "{association} a pris {claimed} de l'annonce #{id} : le chiffre récupéré ne peut "
        "pas dépasser cela ({asked} demandé). Par ex. /fait {id} {claimed_plain}",
        "en": "{association} took {claimed} of post #{id}: the collected figure cannot be "
        "higher ({asked} asked). E.g. /fait {id} {claimed_plain}",
    },
    "done_already_recorded": {
        "fr": "Votre association a déjà indiqué {quantity} pour l'annonce #{id}. Seule "
        "l'association qui l'a publiée ({author_association}) peut corriger ce chiffre.",
        "en": "Your association already recorded {quantity} for post #{id}. Only the "
        "association that published it ({author_association}) can correct that figure.",
    },
    "done_which_claim": {
        "fr": "Plusieurs associations ont pris l'annonce #{id} : {figures}. Précisez laquelle "
        "après la quantité, par ex. /fait {id} {example}",
        "en": "Several associations took post #{id}: {figures}. Say which one after the "
        "quantity, e.g. /fait {id} {example}",
    },
    "done_figure_set": {
        "fr": "✏️ Annonce #{id} : {association} a récupéré {quantity} (chiffre précédent : "
        "{before}). C'est ce chiffre qui compte désormais.",
        "en": "✏️ Post #{id}: {association} collected {quantity} (previous figure: {before}). "
        "This figure now counts.",
    },
    "done_figure_to_claimer": {
        "fr": "✏️ {association} a corrigé le chiffre de l'annonce #{id} « {what} » : "
        "{quantity} récupéré(s) (vous aviez indiqué {before}).",
        "en": '✏️ {association} corrected the figure of post #{id} "{what}": {quantity} '
        "collected (you had recorded {before}).",
    },
    "done_figures_confirmed": {
        "fr": "✔️ Chiffres de l'annonce #{id} confirmés : {figures}. Pour en corriger un : "
        "/fait {id} QUANTITÉ",
        "en": "✔️ Figures of post #{id} confirmed: {figures}. To correct one: /fait {id} QUANTITY",
    },
    # Cancel
    "cancel_usage": {
        "fr": "Usage : /annuler NUMÉRO, par ex. /annuler 12.",
        "en": "Usage: /annuler NUMBER, e.g. /annuler 12.",
    },
    "cancel_not_allowed": {
        "fr": "Vous ne pouvez annuler que les annonces de votre association ou la prise de "
        "votre association. L'annonce #{id} n'est ni l'une ni l'autre : seul un administrateur "
        "du réseau peut retirer l'annonce d'une autre association.",
        "en": "You can only cancel your association's posts or its claims. Post #{id} is "
        "neither: only a network administrator can withdraw another association's post.",
    },
    "post_cancelled": {
        "fr": "🗑️ Annonce #{id} retirée.",
        "en": "🗑️ Post #{id} withdrawn.",
    },
    "post_cancelled_to_claimer": {
        "fr": "🗑️ L'annonce #{id} « {what} » ({association}) a été retirée par {by}.",
        "en": '🗑️ Post #{id} "{what}" ({association}) was withdrawn by {by}.',
    },
    "claim_cancelled": {
        "fr": "↩️ Votre prise de l'annonce #{id} est annulée. Elle est de nouveau disponible.",
        "en": "↩️ Your claim on post #{id} is cancelled. It is available again.",
    },
    "claim_cancelled_to_author": {
        "fr": "↩️ {association} ne prend plus l'annonce #{id} « {what} ». Elle est de nouveau "
        "ouverte.",
        "en": '↩️ {association} no longer takes post #{id} "{what}". It is open again.',
    },
    # Correct
    "correct_usage": {
        "fr": "Usage : /corriger NUMÉRO TEXTE, par ex. /corriger 12 40 kg pour jeudi.",
        "en": "Usage: /corriger NUMBER TEXT, e.g. /corriger 12 40 kg pour jeudi.",
    },
    "correct_not_author": {
        "fr": "Seule l'association qui a publié l'annonce #{id} peut la corriger (ou un "
        "administrateur du réseau). Pour lui signaler une erreur, contactez-la.",
        "en": "Only the association that published post #{id} can fix it (or a network "
        "administrator). Contact it to report a mistake.",
    },
    "correct_nothing": {
        "fr": "Je n'ai rien trouvé à changer dans « {text} ». Exemple : /corriger {id} 40 kg "
        "pour jeudi à Narbonne",
        "en": 'I found nothing to change in "{text}". Example: /corriger {id} 40 kg pour '
        "jeudi à Narbonne",
    },
    "post_corrected": {
        "fr": "✏️ Annonce #{id} corrigée.",
        "en": "✏️ Post #{id} updated.",
    },
    # Corrections and what was already taken (issue 9)
    "correct_under_claimed": {
        "fr": "Déjà pris sur l'annonce #{id} : {claimed}. La correction demandée ({asked}) est "
        "en dessous. Indiquez au moins {claimed} (/corriger {id} {claimed_plain}), ou demandez "
        "aux associations qui l'ont prise d'annuler leur prise (/annuler {id}) avant de réduire.",
        "en": "Already taken on post #{id}: {claimed}. The correction asked ({asked}) is below "
        "that. Give at least {claimed} (/corriger {id} {claimed_plain}), or ask the associations "
        "that took it to cancel their claim (/annuler {id}) before reducing.",
    },
    "correct_unit_claimed": {
        "fr": "L'annonce #{id} a déjà été prise ({claimed}) : elle reste comptée en {unit}. "
        "Corrigez la quantité dans cette unité, par ex. /corriger {id} {example}",
        "en": "Post #{id} was already taken ({claimed}): it stays counted in {unit}. Correct the "
        "quantity in that unit, e.g. /corriger {id} {example}",
    },
    # Lists
    "list_empty": {
        "fr": "Aucune annonce ouverte pour l'instant. Publiez la vôtre : /besoin ou /don.",
        "en": "No open posts right now. Publish yours: /besoin or /don.",
    },
    "list_title": {"fr": "Annonces ouvertes ({count})", "en": "Open posts ({count})"},
    "list_usage": {
        "fr": "Usage : /liste, /liste besoins, /liste dons, /liste materiel ou /liste urgent ; "
        "une distance : /liste dons 20km ; une page : /liste 2, /liste dons 3.",
        "en": "Usage: /list, /list besoins, /list dons, /list materiel or /list urgent; "
        "a distance: /list dons 20km; a page: /list 2, /list dons 3.",
    },
    "list_footer": {
        "fr": "Pour prendre : /prendre NUMÉRO",
        "en": "To take one: /prendre NUMBER",
    },
    "mine_title": {
        "fr": "{association} : annonces et prises",
        "en": "{association}: posts and claims",
    },
    "mine_posts": {"fr": "Nos annonces :", "en": "Our posts:"},
    "mine_claims": {"fr": "Ce que nous avons pris :", "en": "What we took:"},
    "mine_empty": {
        "fr": "Votre association n'a ni annonce ouverte ni prise en cours.",
        "en": "Your association has no open post and no claim in progress.",
    },
    # /liste in pages (issue 9)
    "list_title_paged": {
        "fr": "Annonces ouvertes ({count}) — page {page}/{pages}",
        "en": "Open posts ({count}) — page {page}/{pages}",
    },
    "list_next": {"fr": "Suivantes : {command}", "en": "Next: {command}"},
    # /liste with distances (issue 11)
    "list_distance": {"fr": "à {km} km", "en": "{km} km away"},
    "list_distance_under_1": {"fr": "à moins d'1 km", "en": "under 1 km away"},
    "list_at_home": {"fr": "chez vous", "en": "yours"},
    "list_near_title": {
        "fr": "Annonces ouvertes à {km} km ou moins ({count})",
        "en": "Open posts within {km} km ({count})",
    },
    "list_near_title_paged": {
        "fr": "Annonces ouvertes à {km} km ou moins ({count}) — page {page}/{pages}",
        "en": "Open posts within {km} km ({count}) — page {page}/{pages}",
    },
    "list_near_empty": {
        "fr": "Aucune annonce ouverte à {km} km ou moins. Plus loin : {wider} ; "
        "tout voir : {command}",
        "en": "No open post within {km} km. Further: {wider}; see all: {command}",
    },
    "list_unplaced": {
        "fr": "+ {count} annonce(s) au lieu inconnu, pas dans ce filtre : {command}",
        "en": "+ {count} post(s) with no known place, not in this filter: {command}",
    },
    "list_radius_range": {
        "fr": "Distance entre {low} et {high} km, par ex. {example}",
        "en": "A distance between {low} and {high} km, e.g. {example}",
    },
    "list_place_unknown": {
        "fr": "Pour filtrer par distance, Boucle doit savoir où est {association}. Un "
        "coordinateur peut l'indiquer : envoyez une position 📍, ou /profil commune NOM "
        "(ex. /profil commune Limoux). En attendant, tout est là : {command}",
        "en": "To filter by distance, Boucle needs to know where {association} is. A "
        "coordinator can set it: send a location 📍, or /profil commune NAME "
        "(e.g. /profil commune Limoux). Meanwhile, everything is here: {command}",
    },
    "list_next_button": {"fr": "Suivants ➡️", "en": "Next ➡️"},
    "list_past_end": {
        "fr": "Il n'y a pas de page {page} : la liste tient en {pages} page(s). "
        "Dernière page : {last}",
        "en": "There is no page {page}: the list has {pages} page(s). Last page: {last}",
    },
    "help": {
        "fr": "Boucle — les commandes\n"
        "• /besoin 30 kg de riz pour vendredi\n"
        "• /don 4 cagettes de tomates à Trèbes, à prendre demain\n"
        "• /materiel cherche un camion frigo jeudi\n"
        "• /urgent plus de lait infantile, Quillan\n"
        "• /prendre 12 (ou /prendre 12 10 kg)\n"
        "• /fait 12 quand c'est récupéré ou livré (/fait 12 8 kg : la quantité)\n"
        "• Votre annonce : /fait 12 8 kg corrige le chiffre récupéré\n"
        "• /annuler 12 · /corriger 12 40 kg\n"
        "• /liste (besoins, dons, materiel, urgent) · /mes\n"
        "• /liste dons 20km : à 20 km ou moins de chez vous\n"
        "• /notifs : ce que vous recevez (tout, urgent, resume, off) · /profil : votre "
        "association\n"
        "• /mesdonnees : ce que Boucle garde sur vous · /oublier : l'effacer\n"
        "Vous pouvez aussi écrire simplement : « on a 200 yaourts en trop, DLC vendredi ».",
        "en": "Boucle — the commands\n"
        "• /besoin 30 kg de riz pour vendredi (a need)\n"
        "• /don 4 cagettes de tomates à Trèbes (an offer)\n"
        "• /materiel cherche un camion frigo jeudi (equipment)\n"
        "• /urgent plus de lait infantile, Quillan\n"
        "• /prendre 12 (or /prendre 12 10 kg)\n"
        "• /fait 12 once collected or delivered (/fait 12 8 kg: the quantity)\n"
        "• Your post: /fait 12 8 kg corrects the collected figure\n"
        "• /annuler 12 · /corriger 12 40 kg\n"
        "• /list (besoins, dons, materiel, urgent) · /mine\n"
        "• /list dons 20km: within 20 km of you\n"
        "• /notifs: what you receive (tout, urgent, resume, off) · /profil: your association\n"
        "• /mesdonnees: what Boucle keeps about you · /oublier: erase it\n"
        'You can also write plain words: "on a 200 yaourts en trop, DLC vendredi".',
    },
    "help_coordinator": {
        "fr": "Coordination : /inviter pour un code d'invitation, /inviter coordinateur ; "
        "/alerte TEXTE pour prévenir tout le réseau en urgence ; /digest pour le point "
        "quotidien (chaque matin à 8 h) ; /arrivees direct|digest : chaque nouveau membre "
        "annoncé à mesure ou dans le point ; /invitations et /revoquer CODE pour vos codes ; "
        "/confirmer N pour confirmer l'urgence d'une annonce de votre association ; "
        "/profil modifier : où vous êtes, votre rayon, ce que vous recevez et donnez.",
        "en": "Coordination: /invite for an invite code, /invite coordinator; /alerte TEXT to "
        "alert the whole network at once; /digest for the daily digest (every morning at 8); "
        "/arrivees direct|digest: each new member announced at once or in the digest; "
        "/invitations and /revoquer CODE for your codes; /confirmer N to confirm the urgency "
        "of a post of your association; /profil modifier: where you are, your reach, what you "
        "take and give.",
    },
    "language_set": {"fr": "Langue : français.", "en": "Language: English."},
    "language_usage": {
        "fr": "Usage : /langue fr ou /langue en.",
        "en": "Usage: /language fr or /language en.",
    },
    "thanks_reply": {
        "fr": "Avec plaisir ! Boucle reste là si besoin : /liste pour voir les annonces.",
        "en": "You're welcome! /list shows the open posts.",
    },
    # --- WhatsApp, linking identities, places and photos (issue 4) ---
    "whatsapp_choice": {
        "fr": "👉 {label} : répondez {command}",
        "en": "👉 {label}: reply {command}",
    },
    "photo_link": {"fr": "📷 Photo : {url}", "en": "📷 Photo: {url}"},
    "link_code": {
        "fr": "Pour relier votre autre compte (WhatsApp ou Telegram) à votre profil, envoyez "
        "depuis cet autre compte :\nlier {code}\nCe code est valable {minutes} minutes et ne "
        "sert qu'une fois.",
        "en": "To link your other account (WhatsApp or Telegram) to your profile, send from "
        "that account:\nlier {code}\nThis code works once, for {minutes} minutes.",
    },
    "link_done": {
        "fr": "C'est relié : ce compte est maintenant celui de {name} ({association}). Boucle "
        "vous écrit là où vous avez écrit en dernier.",
        "en": "Linked: this account now belongs to {name} ({association}). Boucle writes to "
        "you where you last wrote.",
    },
    "link_unknown": {
        "fr": "Ce code de liaison n'existe pas ou a expiré. Envoyez /lier depuis votre compte "
        "déjà inscrit pour en obtenir un nouveau.",
        "en": "This link code does not exist or has expired. Send /lier from your registered "
        "account to get a new one.",
    },
    "link_same_member": {
        "fr": "Ce compte est déjà relié à votre profil.",
        "en": "This account is already linked to your profile.",
    },
    "link_other_member": {
        "fr": "Ce compte est déjà inscrit au nom de {name}. Un compte ne peut appartenir qu'à "
        "une personne : demandez à votre coordinateur si c'est une erreur.",
        "en": "This account is already registered as {name}. An account belongs to one person "
        "only: ask your coordinator if this is a mistake.",
    },
    # --- Digests, reminders, alerts and delivery (issue 5) ---
    "digest_title": {"fr": "☀️ Le point Boucle — {day}", "en": "☀️ Boucle digest — {day}"},
    "digest_section_urgent": {"fr": "🆘 Besoins urgents", "en": "🆘 Urgent needs"},
    "digest_section_needs": {"fr": "📣 Besoins ouverts", "en": "📣 Open needs"},
    "digest_section_offers": {
        "fr": "🥕 Dons, par date limite",
        "en": "🥕 Offers, by deadline",
    },
    "digest_section_resources": {
        "fr": "🧰 Matériel et bénévoles",
        "en": "🧰 Equipment and volunteers",
    },
    "digest_section_activity": {
        "fr": "✅ Depuis le dernier point",
        "en": "✅ Since the last digest",
    },
    "digest_section_expiring": {"fr": "⏰ Expire aujourd'hui", "en": "⏰ Expiring today"},
    "digest_section_yours": {"fr": "🏠 Pour {association}", "en": "🏠 For {association}"},
    "digest_section_unreachable": {
        "fr": "📵 Injoignables",
        "en": "📵 Unreachable",
    },
    "digest_take": {"fr": "→ /prendre {id}", "en": "→ /prendre {id}"},
    "digest_activity_claimed": {
        "fr": "#{id} {what} : pris par {association}{amount}",
        "en": "#{id} {what}: taken by {association}{amount}",
    },
    "digest_activity_completed": {
        "fr": "#{id} {what} : récupéré par {association}{amount}",
        "en": "#{id} {what}: collected by {association}{amount}",
    },
    "digest_activity_closed": {
        "fr": "#{id} {what} : clôturée par {association}",
        "en": "#{id} {what}: closed by {association}",
    },
    "digest_to_collect": {
        "fr": "À récupérer : #{id} {what}{amount} ({association}) → /fait {id}",
        "en": "To collect: #{id} {what}{amount} ({association}) → /fait {id}",
    },
    "digest_unanswered": {
        "fr": "Sans réponse : #{id} {what} → /relancer {id}",
        "en": "No answer yet: #{id} {what} → /relancer {id}",
    },
    "digest_unreachable_line": {
        "fr": "{names} ne reçoivent plus les messages (bot bloqué ?). Demandez-leur d'écrire "
        "au bot.",
        "en": "{names} no longer receive messages (bot blocked?). Ask them to write to the bot.",
    },
    "digest_more": {"fr": "… et {count} autre(s) : /liste", "en": "… and {count} more: /list"},
    "digest_nothing": {
        "fr": "Rien de neuf dans le réseau pour l'instant.",
        "en": "Nothing new in the network for now.",
    },
    "digest_template_summary": {
        "fr": "{count} annonce(s) ouverte(s) dans le réseau",
        "en": "{count} open post(s) in the network",
    },
    "digest_subscription_on": {
        "fr": "Votre point quotidien arrive chaque jour à {time}. /digest off pour l'arrêter, "
        "/digest 7h30 pour changer l'heure.",
        "en": "Your daily digest comes every day at {time}. /digest off to stop it, "
        "/digest 7h30 to change the time.",
    },
    "digest_subscription_off": {
        "fr": "Vous ne recevez pas le point quotidien. /digest 8h pour le recevoir chaque matin.",
        "en": "You do not get the daily digest. /digest 8h to get it every morning.",
    },
    "digest_set": {
        "fr": "C'est noté : le point quotidien chaque jour à {time}.",
        "en": "Done: the daily digest every day at {time}.",
    },
    "digest_stopped": {
        "fr": "Point quotidien arrêté. /digest 8h pour le reprendre.",
        "en": "Daily digest stopped. /digest 8h to get it again.",
    },
    "digest_usage": {
        "fr": "Usage : /digest (le point maintenant), /digest 7h30 (chaque jour à 7 h 30), "
        "/digest off (arrêter).",
        "en": "Usage: /digest (the digest now), /digest 7h30 (every day at 7:30), "
        "/digest off (stop).",
    },
    "digest_section_arrivals": {
        "fr": "👋 Nouveaux membres de {association}",
        "en": "👋 New members of {association}",
    },
    "digest_arrivals_line": {
        "fr": "{count} arrivée(s) : {names}",
        "en": "{count} new member(s): {names}",
    },
    "digest_arrivals_more": {"fr": " et {count} autre(s)", "en": " and {count} more"},
    "alert_usage": {
        "fr": "Usage : /alerte TEXTE, par ex. /alerte plus de lait infantile à Quillan, qui peut "
        "aider ?",
        "en": "Usage: /alerte TEXT, e.g. /alerte no more infant milk in Quillan, who can help?",
    },
    "alert_title": {"fr": "🚨 Alerte — {association}", "en": "🚨 Alert — {association}"},
    "alert_from": {"fr": "De {name}. Contact : {contact}", "en": "From {name}. Contact: {contact}"},
    "alert_sent": {
        "fr": "🚨 Alerte envoyée à {count} membre(s), avant tout autre message.",
        "en": "🚨 Alert sent to {count} member(s), ahead of any other message.",
    },
    "reminder_offer_expiring": {
        "fr": "⏳ Votre annonce #{id} « {what} » est encore ouverte et arrive à échéance "
        "aujourd'hui.\nProlonger : /corriger {id} jusqu'à lundi · Retirer : /annuler {id} · "
        "Relancer : /relancer {id}",
        "en": '⏳ Your post #{id} "{what}" is still open and reaches its deadline today.\n'
        "Extend: /corriger {id} jusqu'à lundi · Withdraw: /annuler {id} · "
        "Re-broadcast: /relancer {id}",
    },
    "reminder_pickup_day": {
        "fr": "📦 Aujourd'hui : récupération de #{id} « {what} »{amount} auprès de "
        "{association}. Contact : {contact}\nUne fois récupéré : /fait {id}",
        "en": '📦 Today: pick up #{id} "{what}"{amount} from {association}. '
        "Contact: {contact}\nOnce collected: /fait {id}",
    },
    "reminder_return_claimer": {
        "fr": "🔁 Le matériel #{id} « {what} » prêté par {association} est à rendre "
        "aujourd'hui. Contact : {contact}",
        "en": '🔁 The equipment #{id} "{what}" lent by {association} is due back today. '
        "Contact: {contact}",
    },
    "reminder_return_author": {
        "fr": "🔁 Le matériel #{id} « {what} » doit vous être rendu aujourd'hui par "
        "{association}. Une fois rendu : /fait {id}",
        "en": '🔁 The equipment #{id} "{what}" is due back today from {association}. '
        "Once returned: /fait {id}",
    },
    "reminder_pickup_check": {
        "fr": "❓ Annonce #{id} « {what} » : récupéré ? combien ?\n"
        "Répondez par ex. « oui 25 kg », « 25 » ou « non ».",
        "en": '❓ Post #{id} "{what}": collected? how much?\n'
        'Answer e.g. "oui 25 kg", "25" or "non".',
    },
    "pickup_not_yet": {
        "fr": "Noté, pas encore. Quand ce sera fait : /fait {id} (ou /annuler {id}).",
        "en": "Noted, not yet. Once done: /fait {id} (or /annuler {id}).",
    },
    "pickup_already_closed": {
        "fr": "Merci, l'annonce #{id} est déjà clôturée.",
        "en": "Thanks, post #{id} is already closed.",
    },
    "post_expired_to_author": {
        "fr": "⌛ Votre annonce #{id} « {what} » a expiré sans preneur (date limite passée). "
        "Pour la republier, envoyez-la à nouveau avec une nouvelle date.",
        "en": '⌛ Your post #{id} "{what}" expired with no taker (deadline passed). '
        "To post it again, send it with a new date.",
    },
    "relaunch_done": {
        "fr": "📣 Annonce #{id} relancée. {audience}",
        "en": "📣 Post #{id} re-broadcast. {audience}",
    },
    "relaunch_not_author": {
        "fr": "Seule l'association qui a publié l'annonce #{id} peut la relancer.",
        "en": "Only the association that published post #{id} can re-broadcast it.",
    },
    "relaunch_not_open": {
        "fr": "L'annonce #{id} n'est plus ouverte : rien à relancer.",
        "en": "Post #{id} is no longer open: nothing to re-broadcast.",
    },
    "relaunch_usage": {
        "fr": "Usage : /relancer NUMÉRO, par ex. /relancer 12.",
        "en": "Usage: /relancer NUMBER, e.g. /relancer 12.",
    },
    # --- Limits that fit the field (issue 9) ---
    "relaunch_too_soon": {
        "fr": "L'annonce #{id} est déjà partie à tout le réseau il y a moins de {hours} h. "
        "Vous pourrez la relancer {when}. D'ici là, /corriger {id} pour la modifier.",
        "en": "Post #{id} already went to the whole network less than {hours} h ago. "
        "You can re-broadcast it {when}. Meanwhile, /corriger {id} to change it.",
    },
    "at_time_today": {"fr": "à {time}", "en": "at {time}"},
    "at_time_other_day": {"fr": "le {day} à {time}", "en": "on {day} at {time}"},
    "urgent_quota_reached": {
        "fr": "⚠️ Vous avez déjà publié {limit} annonce(s) urgente(s) en 24 h : celle-ci part "
        "comme annonce ordinaire. Les coordinateurs de {association} peuvent confirmer "
        "l'urgence en un geste ; elle repartira alors en urgent.",
        "en": "⚠️ You already published {limit} urgent post(s) in 24 h: this one goes as an "
        "ordinary post. The coordinators of {association} can confirm its urgency in one tap; "
        "it will then go out again as urgent.",
    },
    "urgent_quota_coordinator": {
        "fr": "⚠️ Déjà {limit} annonce(s) urgente(s) en 24 h : celle-ci part comme annonce "
        "ordinaire. Si c'est vraiment urgent, confirmez (/confirmer {id}).",
        "en": "⚠️ Already {limit} urgent post(s) in 24 h: this one goes as an ordinary post. "
        "If it really is urgent, confirm it (/confirmer {id}).",
    },
    "urgent_quota_no_coordinator": {
        "fr": "⚠️ Vous avez déjà publié {limit} annonce(s) urgente(s) en 24 h : celle-ci part "
        "comme annonce ordinaire (votre association n'a pas de coordinateur pour confirmer "
        "l'urgence).",
        "en": "⚠️ You already published {limit} urgent post(s) in 24 h: this one goes as an "
        "ordinary post (your association has no coordinator to confirm its urgency).",
    },
    "urgent_confirm_request": {
        "fr": "🆘 {name} a publié une annonce urgente de plus (au-delà de {limit} en 24 h) : "
        "#{id} « {what} ». Elle est partie comme annonce ordinaire. Si c'est vraiment urgent, "
        "confirmez : elle repartira en urgent à tout le réseau.",
        "en": '🆘 {name} published one more urgent post (beyond {limit} in 24 h): #{id} "{what}". '
        "It went as an ordinary post. If it really is urgent, confirm it: it will go out again "
        "as urgent to the whole network.",
    },
    "button_confirm_urgent": {"fr": "Confirmer l'urgence #{id}", "en": "Confirm urgency #{id}"},
    "urgent_confirmed": {
        "fr": "🆘 Urgence de l'annonce #{id} confirmée : renvoyée en urgent. {audience}",
        "en": "🆘 Urgency of post #{id} confirmed: sent again as urgent. {audience}",
    },
    "urgent_confirmed_author": {
        "fr": "🆘 {name} a confirmé l'urgence de votre annonce #{id} : elle est repartie en "
        "urgent à tout le réseau.",
        "en": "🆘 {name} confirmed the urgency of your post #{id}: it went out again as urgent "
        "to the whole network.",
    },
    "confirm_urgent_usage": {
        "fr": "Usage : /confirmer NUMÉRO, par ex. /confirmer 12 (l'urgence d'une annonce de "
        "votre association).",
        "en": "Usage: /confirmer NUMBER, e.g. /confirmer 12 (the urgency of a post of your "
        "association).",
    },
    "confirm_urgent_not_yours": {
        "fr": "L'annonce #{id} n'est pas de votre association : seuls ses coordinateurs "
        "peuvent confirmer son urgence.",
        "en": "Post #{id} is not your association's: only its coordinators can confirm its "
        "urgency.",
    },
    "confirm_urgent_already": {
        "fr": "L'annonce #{id} est déjà urgente : rien à confirmer.",
        "en": "Post #{id} is already urgent: nothing to confirm.",
    },
    "confirm_urgent_not_asked": {
        "fr": "L'annonce #{id} n'attend pas de confirmation d'urgence.",
        "en": "Post #{id} is not waiting for an urgency confirmation.",
    },
    "code_attempts_sender": {
        "fr": "Trop d'essais de code depuis ce compte. Par sécurité, attendez {minutes} min "
        "avant de réessayer, et vérifiez le code auprès de votre coordinateur.",
        "en": "Too many code attempts from this account. For safety, wait {minutes} min "
        "before trying again, and check the code with your coordinator.",
    },
    "code_attempts_network": {
        "fr": "Beaucoup d'essais de code en ce moment sur le réseau : par sécurité, réessayez "
        "dans {minutes} min.",
        "en": "Many code attempts on the network right now: for safety, try again in "
        "{minutes} min.",
    },
    "invite_expired": {
        "fr": "Ce code d'invitation a expiré le {date}. Demandez-en un nouveau à votre "
        "coordinateur.",
        "en": "This invite code expired on {date}. Ask your coordinator for a new one.",
    },
    "invite_revoked": {
        "fr": "Ce code d'invitation a été annulé par votre association. Demandez-en un "
        "nouveau à votre coordinateur.",
        "en": "This invite code was cancelled by your association. Ask your coordinator for "
        "a new one.",
    },
    "invite_valid_until": {
        "fr": "Valable jusqu'au {date}. /invitations pour voir les codes en cours.",
        "en": "Valid until {date}. /invitations to see the codes still open.",
    },
    "invite_no_expiry": {"fr": "sans date limite", "en": "no end date"},
    "invites_title": {
        "fr": "Codes d'invitation en cours — {association} ({count})",
        "en": "Invite codes still open — {association} ({count})",
    },
    "invites_line": {
        "fr": "{code} — {role} — valable jusqu'au {until}",
        "en": "{code} — {role} — valid until {until}",
    },
    "invites_more": {"fr": "… et {count} autre(s)", "en": "… and {count} more"},
    "invites_how_to_revoke": {
        "fr": "Pour annuler un code : /revoquer CODE",
        "en": "To cancel a code: /revoquer CODE",
    },
    "invites_none": {
        "fr": "Aucun code d'invitation en cours pour {association}. /inviter pour en créer un.",
        "en": "No invite code open for {association}. /inviter to make one.",
    },
    "revoke_usage": {
        "fr": "Usage : /revoquer CODE, par ex. /revoquer K7M2QX9P (/invitations pour la liste).",
        "en": "Usage: /revoquer CODE, e.g. /revoquer K7M2QX9P (/invitations for the list).",
    },
    "revoke_unknown": {
        "fr": "Je ne trouve pas le code {code} parmi ceux de votre association. "
        "/invitations pour la liste.",
        "en": "I cannot find code {code} among your association's. /invitations for the list.",
    },
    "revoke_used": {
        "fr": "Le code {code} a déjà servi : il ne peut plus être utilisé.",
        "en": "Code {code} was already used: it cannot be used again.",
    },
    "revoke_already": {
        "fr": "Le code {code} est déjà annulé.",
        "en": "Code {code} is already cancelled.",
    },
    "revoke_done": {
        "fr": "Code {code} annulé : il ne permet plus de rejoindre le réseau.",
        "en": "Code {code} cancelled: it can no longer be used to join.",
    },
    "flood_notice": {
        "fr": "Trop de messages d'un coup : je mets les suivants de côté et je reprends dans "
        "{minutes} min. Renvoyez alors ce qui compte.",
        "en": "Too many messages at once: I set the next ones aside and resume in {minutes} "
        "min. Then send again what matters.",
    },
    # --- The network's group: typed commands, button presses (issue 9) ---
    "group_stranger": {
        "fr": "{name}, je ne vous connais pas encore. Pour participer, écrivez-moi en privé "
        "({bot}) : /start CODE, avec le code d'invitation de votre association.",
        "en": "{name}, I do not know you yet. To join, write to me in private ({bot}): "
        "/start CODE, with your association's invite code.",
    },
    "group_button_member": {
        "fr": "Je vous réponds en privé, dans votre conversation avec {bot}.",
        "en": "I answer you in private, in your chat with {bot}.",
    },
    "group_button_stranger": {
        "fr": "Je ne vous connais pas encore : écrivez-moi en privé ({bot}) avec le code "
        "d'invitation de votre association : /start CODE",
        "en": "I do not know you yet: write to me in private ({bot}) with your association's "
        "invite code: /start CODE",
    },
    # --- Who may do what, membership (issue 9) ---
    "admin_only": {
        "fr": "Seul un administrateur du réseau peut agir sur une autre association. "
        "Pour la vôtre : /membres",
        "en": "Only a network administrator can act on another association. For yours: /membres",
    },
    "by_author": {"fr": "son auteur", "en": "its author"},
    "by_colleague": {"fr": "{name} ({association})", "en": "{name} ({association})"},
    "by_admin": {
        "fr": "l'administrateur {name} du réseau",
        "en": "the network administrator {name}",
    },
    "post_cancelled_to_author": {
        "fr": "🗑️ Votre annonce #{id} « {what} » a été retirée par {by}.",
        "en": '🗑️ Your post #{id} "{what}" was withdrawn by {by}.',
    },
    "post_corrected_to_claimer": {
        "fr": "✏️ L'annonce #{id} « {what} » ({association}) que vous avez prise a été "
        "modifiée par {by} :",
        "en": '✏️ Post #{id} "{what}" ({association}) that you took was changed by {by}:',
    },
    "post_corrected_to_author": {
        "fr": "✏️ Votre annonce #{id} a été modifiée par {by} :",
        "en": "✏️ Your post #{id} was changed by {by}:",
    },
    "role_admin": {"fr": "administrateur·rice du réseau", "en": "network administrator"},
    "members_title": {
        "fr": "{association} : {count} membre(s) — page {page}/{pages}",
        "en": "{association}: {count} member(s) — page {page}/{pages}",
    },
    "members_line": {"fr": "n°{number} {name} — {role}", "en": "#{number} {name} — {role}"},
    "members_unreachable": {"fr": " (injoignable)", "en": " (unreachable)"},
    "members_you": {"fr": " (vous)", "en": " (you)"},
    "members_next": {"fr": "Suivants : {command}", "en": "Next: {command}"},
    "members_footer": {
        "fr": "Avec le numéro : /retirer N°, /promouvoir N°, /retrograder N°.",
        "en": "With the number: /retirer NUMBER, /promouvoir NUMBER, /retrograder NUMBER.",
    },
    "members_past_end": {
        "fr": "Il n'y a pas de page {page} : la liste tient en {pages} page(s).",
        "en": "There is no page {page}: the list has {pages} page(s).",
    },
    "association_unknown": {
        "fr": "Je ne connais pas l'association « {name} ». Usage : /membres, /membres 2, "
        "ou (administrateurs) /membres NOM DE L'ASSOCIATION.",
        "en": 'I do not know the association "{name}". Usage: /membres, /membres 2, or '
        "(administrators) /membres ASSOCIATION NAME.",
    },
    "member_ref_usage": {
        "fr": "Usage : /{command} N° (le numéro donné par /membres), par ex. /{command} 37, "
        "ou /{command} NOM.",
        "en": "Usage: /{command} NUMBER (the number /membres gives), e.g. /{command} 37, "
        "or /{command} NAME.",
    },
    "member_not_found": {
        "fr": "Je ne trouve pas « {ref} » parmi les membres. /membres donne leurs numéros.",
        "en": 'I cannot find "{ref}" among the members. /membres gives their numbers.',
    },
    "member_ambiguous": {
        "fr": "Plusieurs membres s'appellent « {ref} ». Donnez le numéro : /membres, puis "
        "/{command} N°.",
        "en": 'Several members are called "{ref}". Give the number: /membres, then '
        "/{command} NUMBER.",
    },
    "target_is_admin": {
        "fr": "{name} est administrateur du réseau : ce rôle se change avec l'outil "
        "d'administration (boucle promote), pas dans le chat.",
        "en": "{name} is a network administrator: that role is changed with the admin tool "
        "(boucle promote), not in the chat.",
    },
    "remove_self": {
        "fr": "Pour quitter vous-même le réseau : /quitter.",
        "en": "To leave the network yourself: /quitter.",
    },
    "last_coordinator": {
        "fr": "{name} est le dernier coordinateur de {association} : une association garde "
        "toujours au moins un coordinateur. Nommez-en d'abord un autre : /promouvoir N° "
        "(numéros : /membres).",
        "en": "{name} is the last coordinator of {association}: an association always keeps "
        "at least one. Appoint another first: /promouvoir NUMBER (numbers: /membres).",
    },
    "member_removed": {
        "fr": "✅ {name} ne fait plus partie de {association} : plus de messages, plus "
        "d'actions. Ses annonces et prises passées restent, à son nom.",
        "en": "✅ {name} is no longer part of {association}: no more messages, no more "
        "actions. Their past posts and claims stay, in their name.",
    },
    "member_removed_to_them": {
        "fr": "Vous ne faites plus partie de {association} sur Boucle (retiré·e par {by}). "
        "Vous ne recevrez plus de messages. Pour revenir, demandez un code d'invitation.",
        "en": "You are no longer part of {association} on Boucle (removed by {by}). You will "
        "get no more messages. To come back, ask for an invite code.",
    },
    "member_removed_to_coordinators": {
        "fr": "{name} ne fait plus partie de {association} (retiré·e par {by}).",
        "en": "{name} is no longer part of {association} (removed by {by}).",
    },
    "member_promoted": {
        "fr": "✅ {name} est maintenant coordinateur·rice de {association}.",
        "en": "✅ {name} is now a coordinator of {association}.",
    },
    "member_promoted_to_them": {
        "fr": "Vous êtes maintenant coordinateur·rice de {association} (nommé·e par {by}). "
        "/aide montre vos nouvelles commandes.",
        "en": "You are now a coordinator of {association} (appointed by {by}). /help shows "
        "your new commands.",
    },
    "member_already_coordinator": {
        "fr": "{name} est déjà coordinateur·rice de {association}.",
        "en": "{name} is already a coordinator of {association}.",
    },
    "member_demoted": {
        "fr": "✅ {name} est maintenant membre (plus coordinateur·rice) de {association}.",
        "en": "✅ {name} is now a member (no longer a coordinator) of {association}.",
    },
    "member_demoted_to_them": {
        "fr": "Vous n'êtes plus coordinateur·rice de {association} (décision de {by}) ; "
        "vous restez membre.",
        "en": "You are no longer a coordinator of {association} (decided by {by}); you stay a "
        "member.",
    },
    "member_already_member": {
        "fr": "{name} n'est pas coordinateur·rice : rien à rétrograder.",
        "en": "{name} is not a coordinator: nothing to demote.",
    },
    "leave_confirm": {
        "fr": "Vous allez quitter {association} sur Boucle : plus de messages, plus d'actions "
        "(vos annonces et prises passées restent). Pour confirmer : /quitter oui",
        "en": "You are about to leave {association} on Boucle: no more messages, no more "
        "actions (your past posts and claims stay). To confirm: /quitter oui",
    },
    "leave_button": {"fr": "Oui, quitter", "en": "Yes, leave"},
    "left": {
        "fr": "C'est fait : vous avez quitté {association}. Merci pour votre aide ! Pour "
        "revenir, demandez un code d'invitation.",
        "en": "Done: you left {association}. Thank you for your help! To come back, ask for an "
        "invite code.",
    },
    "left_to_coordinators": {
        "fr": "{name} a quitté {association} sur Boucle.",
        "en": "{name} left {association} on Boucle.",
    },
    # Issue 15, privacy (/mesdonnees, /oublier).
    "mydata_sent": {
        "fr": "📄 Voici tout ce que Boucle garde sur vous (fichier JSON) : votre nom, vos "
        "comptes, vos réglages, vos annonces et prises, vos messages récents. Pour tout "
        "effacer : /oublier",
        "en": "📄 Here is everything Boucle keeps about you (JSON file): your name, accounts, "
        "settings, posts and claims, recent messages. To erase it all: /oublier",
    },
    "mydata_too_large": {
        "fr": "Vos données sont trop volumineuses pour la messagerie. Demandez à votre "
        "coordinateur ou à l'administrateur : boucle mesdonnees {number}",
        "en": "Your data are too large for the chat. Ask your coordinator or the "
        "administrator: boucle mesdonnees {number}",
    },
    "forget_confirm_self": {
        "fr": "⚠️ Effacer vos données : votre nom, vos comptes (Telegram, WhatsApp, numéro), "
        "vos réglages et vos messages seront supprimés, et vous quitterez le réseau. Vos "
        "annonces restent pour les chiffres du réseau, sous « membre retiré ». C'est "
        "définitif. Pour confirmer : {command}",
        "en": "⚠️ Erase your data: your name, accounts (Telegram, WhatsApp, number), "
        "settings and messages will be deleted, and you will leave the network. Your posts "
        "stay for the network's figures, as « membre retiré ». This is final. To confirm: "
        "{command}",
    },
    "forget_confirm_other": {
        "fr": "⚠️ Effacer les données de {name} (n°{number}) : nom, comptes, numéro, "
        "réglages et messages supprimés ; ses annonces restent sous « membre retiré ». "
        "C'est définitif. Pour confirmer : {command}",
        "en": "⚠️ Erase the data of {name} (no. {number}): name, accounts, number, settings "
        "and messages deleted; their posts stay as « membre retiré ». This is final. To "
        "confirm: {command}",
    },
    "forget_button": {"fr": "Oui, effacer", "en": "Yes, erase"},
    "forgotten_self": {
        "fr": "✅ C'est fait : vos données sont effacées et vous avez quitté le réseau. "
        "Merci pour votre aide !",
        "en": "✅ Done: your data are erased and you left the network. Thank you for your help!",
    },
    "forgotten_other": {
        "fr": "✅ Données du membre n°{number} effacées ({identities} compte(s) supprimé(s), "
        "{posts} annonce(s) gardée(s) sous « membre retiré »).",
        "en": "✅ Data of member no. {number} erased ({identities} account(s) deleted, {posts} "
        "post(s) kept as « membre retiré »).",
    },
    "forgotten_to_coordinators": {
        "fr": "Les données du membre n°{number} ont été effacées à sa demande ; ses annonces "
        "restent sous « membre retiré ».",
        "en": "The data of member no. {number} were erased at their request; their posts stay "
        "as « membre retiré ».",
    },
    # The end of /aide: where the rest of the commands are (`/aide SECTION`, handlers/listing.py).
    "help_more_member": {
        "fr": "Plus : /aide materiel (matériel partagé : /ressources, /agenda) · /aide achats "
        "(achats groupés : /achat).",
        "en": "More: /aide materiel (shared equipment: /ressources, /agenda) · /aide achats "
        "(group purchases: /achat).",
    },
    "help_more_coordinator": {
        "fr": "Coordinateurs : /aide coordination (/inviter, /alerte, /membres…) · /aide "
        "chiffres (/bilan, /export, /rapport) · /aide materiel (/ressource, /reserver) · "
        "/aide achats (/achat, /commande).",
        "en": "Coordinators: /aide coordination (/inviter, /alerte, /membres…) · /aide "
        "chiffres (/bilan, /export, /rapport) · /aide materiel (/ressource, /reserver) · "
        "/aide achats (/achat, /commande).",
    },
    "help_section_coordinators": {
        "fr": "Ces commandes sont celles des coordinateurs de votre association. Les vôtres : "
        "/aide",
        "en": "These commands are your association's coordinators'. Yours: /aide",
    },
    "help_members": {
        "fr": "Membres : /membres (avec leurs numéros), /retirer N°, /promouvoir N°, "
        "/retrograder N°, /oublier N° (effacer ses données, à sa demande).",
        "en": "Members: /membres (with their numbers), /retirer NUMBER, /promouvoir NUMBER, "
        "/retrograder NUMBER, /oublier NUMBER (erase their data, at their request).",
    },
    # Confirmation of free text read as a post, but not surely (handlers/confirmation.py)
    "confirm_title": {
        "fr": "Avant de publier, vérifiez ce que j'ai compris :",
        "en": "Before posting, check what I understood:",
    },
    "confirm_what_unknown": {"fr": "quoi ? (à préciser)", "en": "what? (to be given)"},
    "confirm_guessed": {"fr": "Deviné : {fields}.", "en": "Guessed: {fields}."},
    "confirm_guessed_intent": {"fr": "besoin ou don", "en": "need or offer"},
    "confirm_guessed_what": {"fr": "ce qui est concerné", "en": "what it is about"},
    "confirm_guessed_quantity": {"fr": "la quantité", "en": "the quantity"},
    "confirm_guessed_deadline": {"fr": "la date", "en": "the date"},
    "confirm_guessed_place": {"fr": "le lieu", "en": "the place"},
    "confirm_if_question": {
        "fr": "Si c'était une question : Annuler, puis /aide ou /liste.",
        "en": "If it was a question: Cancel, then /aide or /liste.",
    },
    "confirm_button_publish": {"fr": "✅ Publier", "en": "✅ Publish"},
    "confirm_button_rewrite": {"fr": "✏️ Corriger", "en": "✏️ Edit"},
    "confirm_button_drop": {"fr": "✖ Annuler", "en": "✖ Cancel"},
    "confirm_rewrite": {
        "fr": "Réécrivez l'annonce comme elle doit paraître, ou utilisez /besoin … /don … "
        "/materiel … Rien n'est publié d'ici là.",
        "en": "Write the post again as it should appear, or use /besoin … /don … /materiel … "
        "Nothing is posted until then.",
    },
    "confirm_dropped": {
        "fr": "D'accord, rien n'a été publié.",
        "en": "OK, nothing was posted.",
    },
    "confirm_nothing_waiting": {
        "fr": "Aucune annonce n'attend votre accord (déjà publiée, annulée ou expirée). "
        "Pour publier : /besoin, /don ou /materiel suivi de quelques mots.",
        "en": "No post is waiting for your approval (already posted, cancelled or expired). "
        "To post: /besoin, /don or /materiel followed by a few words.",
    },
    "confirm_stale": {
        "fr": "Ce bouton est celui d'une annonce remplacée depuis : rien n'a été fait.",
        "en": "This button belongs to a post replaced since: nothing was done.",
    },
    "pending_missing_confirm": {
        "fr": "faut-il la publier ? 1 = publier, 2 = corriger, 3 = annuler.",
        "en": "should it be posted? 1 = post, 2 = edit, 3 = cancel.",
    },
    # Relays keep the writer's words (handlers/writer_words.py)
    "relay_words": {"fr": "💬 « {words} »", "en": '💬 "{words}"'},
    "pending_missing_rewrite": {
        "fr": "réécrivez-la comme elle doit paraître.",
        "en": "write it again as it should appear.",
    },
    # --- An association's profile (/profil, issue 11) -------------------------------------
    "profile_title": {"fr": "Profil de {association}", "en": "Profile of {association}"},
    "profile_place": {"fr": "📍 Lieu : {place}", "en": "📍 Place: {place}"},
    "profile_place_unknown": {
        "fr": "inconnu (les annonces vous arrivent toutes)",
        "en": "unknown (every post reaches you)",
    },
    "profile_place_pin": {"fr": "position 📍 partagée", "en": "shared location 📍"},
    "profile_reach": {"fr": "🚗 Rayon : {km} km{default}", "en": "🚗 Reach: {km} km{default}"},
    "profile_takes": {"fr": "📥 Reçoit : {categories}", "en": "📥 Takes: {categories}"},
    "profile_gives": {"fr": "📤 Donne : {categories}", "en": "📤 Gives: {categories}"},
    "profile_capacities": {"fr": "🧊 Moyens : {capacities}", "en": "🧊 Means: {capacities}"},
    "profile_default": {"fr": " (par défaut)", "en": " (default)"},
    "profile_every_category": {
        "fr": "toutes catégories (par défaut)",
        "en": "every category (default)",
    },
    "profile_no_category": {"fr": "rien", "en": "nothing"},
    "profile_no_capacity": {"fr": "aucun déclaré", "en": "none declared"},
    "profile_how_to_change": {
        "fr": "Changer : /profil modifier (guidé, 5 questions), ou en une ligne :\n"
        "• /profil commune Limoux (ou une position 📍)\n"
        "• /profil rayon 40 (km ; par défaut : 30 km)\n"
        "• /profil reçoit laitiers, fruits et légumes (par défaut : toutes catégories)\n"
        "• /profil donne tout\n"
        "• /profil capacites chambre froide, camion frigo, stockage sec, bénévoles (ou aucune)",
        "en": "Change: /profil modifier (guided, 5 questions), or in one line:\n"
        "• /profil commune Limoux (or a location 📍)\n"
        "• /profil rayon 40 (km; default: 30 km)\n"
        "• /profil recoit dairy, fruits (default: every category)\n"
        "• /profil donne tout\n"
        "• /profil capacites chambre froide, camion frigo, stockage sec, bénévoles (or aucune)",
    },
    "profile_members_cannot_change": {
        "fr": "Seuls les coordinateurs de l'association peuvent le changer.",
        "en": "Only the association's coordinators can change it.",
    },
    "profile_change_coordinators": {
        "fr": "Seuls les coordinateurs de votre association peuvent changer son profil. "
        "Demandez à l'un d'eux ; /profil pour le voir.",
        "en": "Only your association's coordinators can change its profile. Ask one of them; "
        "/profil to see it.",
    },
    "profile_usage": {
        "fr": "Je n'ai pas compris « {word} ». Essayez : /profil (voir), /profil modifier "
        "(guidé), /profil rayon 40, /profil commune Limoux, /profil reçoit …, /profil donne …, "
        "/profil capacites …",
        "en": 'I did not understand "{word}". Try: /profil (see), /profil modifier (guided), '
        "/profil rayon 40, /profil commune Limoux, /profil recoit …, /profil donne …, "
        "/profil capacites …",
    },
    "profile_missing_value": {
        "fr": "Il manque la valeur, par ex. : {example}",
        "en": "The value is missing, e.g.: {example}",
    },
    "profile_set_commune": {
        "fr": "✅ Lieu : {commune} ({department}). Les distances se mesurent depuis là.",
        "en": "✅ Place: {commune} ({department}). Distances are measured from there.",
    },
    "profile_set_pin": {
        "fr": "✅ Position enregistrée pour {association} ({latitude}, {longitude}). Les "
        "distances se mesurent depuis là.",
        "en": "✅ Location saved for {association} ({latitude}, {longitude}). Distances are "
        "measured from there.",
    },
    "profile_set_reach": {
        "fr": "✅ Rayon : {km} km. Vous recevez les annonces à moins de {km} km (plus loin "
        "pour les urgences).",
        "en": "✅ Reach: {km} km. You get the posts within {km} km (further for urgent ones).",
    },
    "profile_set_takes": {"fr": "✅ Reçoit : {categories}.", "en": "✅ Takes: {categories}."},
    "profile_set_gives": {"fr": "✅ Donne : {categories}.", "en": "✅ Gives: {categories}."},
    "profile_set_capacities": {
        "fr": "✅ Moyens : {capacities}.",
        "en": "✅ Means: {capacities}.",
    },
    "profile_reach_invalid": {
        "fr": "Le rayon est un nombre de km entre 1 et {max}, par ex. /profil rayon 40 "
        "(par défaut : 30 km).",
        "en": "The reach is a number of km between 1 and {max}, e.g. /profil rayon 40 "
        "(default: 30 km).",
    },
    "profile_commune_unknown": {
        "fr": "Je ne connais pas la commune « {name} ».{suggestions} Vérifiez l'orthographe, "
        "ajoutez le code postal (/profil commune Limoux 11300) ou envoyez une position 📍.",
        "en": 'I do not know the commune "{name}".{suggestions} Check the spelling, add the '
        "postal code (/profil commune Limoux 11300) or share a location 📍.",
    },
    "profile_commune_suggestions": {
        "fr": " Vouliez-vous dire : {names} ?",
        "en": " Did you mean: {names}?",
    },
    "profile_commune_ambiguous": {
        "fr": "Plusieurs communes s'appellent « {name} » : {names}. Ajoutez le code postal, "
        "par ex. /profil commune {example}",
        "en": 'Several communes are called "{name}": {names}. Add the postal code, e.g. '
        "/profil commune {example}",
    },
    "profile_categories_unknown": {
        "fr": "Je n'ai pas reconnu : {words}. Rien n'a changé. Mots possibles : {accepted} "
        "(plusieurs, séparés par des virgules).",
        "en": "I did not recognise: {words}. Nothing changed. Possible words: {accepted} "
        "(several, separated by commas).",
    },
    "profile_capacities_unknown": {
        "fr": "Je n'ai pas reconnu : {words}. Rien n'a changé. Moyens possibles : chambre "
        "froide, camion frigo, stockage sec, bénévoles — ou « aucune ».",
        "en": "I did not recognise: {words}. Nothing changed. Possible means: chambre froide "
        "(cold room), camion frigo (refrigerated van), stockage sec (dry storage), bénévoles "
        '(volunteers) — or "aucune".',
    },
    "capacity_cold_storage": {"fr": "chambre froide", "en": "cold room"},
    "capacity_cold_vehicle": {"fr": "camion frigo", "en": "refrigerated van"},
    "capacity_dry_storage": {"fr": "stockage sec", "en": "dry storage"},
    "capacity_volunteers": {"fr": "bénévoles", "en": "volunteers"},
    # The guided profile (/profil modifier): one short question at a time.
    "profile_step_commune": {
        "fr": "1/5 · Où est votre association ? Écrivez la commune (ex. Limoux) ou envoyez "
        "une position 📍. Actuellement : {current}.",
        "en": "1/5 · Where is your association? Write the commune (e.g. Limoux) or share a "
        "location 📍. Now: {current}.",
    },
    "profile_step_reach": {
        "fr": "2/5 · Jusqu'où pouvez-vous aller chercher ou livrer ? Actuellement : {current}.",
        "en": "2/5 · How far can you go to collect or deliver? Now: {current}.",
    },
    "profile_step_takes": {
        "fr": "3/5 · Que pouvez-vous recevoir ? Écrivez les catégories (ex. frais, fruits et "
        "légumes) ou choisissez. Actuellement : {current}.",
        "en": "3/5 · What can you take? Write the categories (e.g. frais, fruits) or choose. "
        "Now: {current}.",
    },
    "profile_step_gives": {
        "fr": "4/5 · Que donnez-vous parfois ? Écrivez les catégories ou choisissez. "
        "Actuellement : {current}.",
        "en": "4/5 · What do you sometimes give? Write the categories or choose. Now: {current}.",
    },
    "profile_step_capacities": {
        "fr": "5/5 · Vos moyens ? Écrivez-les (chambre froide, camion frigo, stockage sec, "
        "bénévoles) ou choisissez. Actuellement : {current}.",
        "en": "5/5 · Your means? Write them (chambre froide, camion frigo, stockage sec, "
        "bénévoles) or choose. Now: {current}.",
    },
    "profile_step_hint": {
        "fr": "« passer » garde la valeur, « annuler » arrête là.",
        "en": '"passer" keeps the value, "annuler" stops here.',
    },
    "profile_button_skip": {"fr": "⏭ Passer", "en": "⏭ Skip"},
    "profile_button_every": {"fr": "Tout", "en": "Everything"},
    "profile_button_none": {"fr": "Aucun", "en": "None"},
    "profile_button_km": {"fr": "{km} km", "en": "{km} km"},
    "profile_guided_done": {"fr": "👍 Profil à jour.", "en": "👍 Profile up to date."},
    "profile_guided_stopped": {
        "fr": "D'accord, on s'arrête là ; ce qui est déjà répondu est gardé.",
        "en": "OK, we stop here; what you already answered is kept.",
    },
    "profile_nothing_guided": {
        "fr": "Aucune question en cours. /profil modifier pour être guidé·e.",
        "en": "No question waiting. /profil modifier to be guided.",
    },
    # --- Each member's notifications (/notifs, issue 11) ----------------------------------
    "notifs_title": {"fr": "Vos notifications", "en": "Your notifications"},
    "notifs_mode_line": {"fr": "• Reçues : {mode}", "en": "• Received: {mode}"},
    "notifs_mode_all": {
        "fr": "toutes les annonces qui vous concernent",
        "en": "every post that concerns you",
    },
    "notifs_mode_urgent": {"fr": "seulement les urgences", "en": "urgent posts only"},
    "notifs_mode_digest": {
        "fr": "rien une à une, tout dans le résumé quotidien",
        "en": "nothing one by one, all in the daily digest",
    },
    "notifs_mode_off": {"fr": "aucune annonce", "en": "no posts"},
    "notifs_muted_line": {
        "fr": "• Catégories coupées : {categories}",
        "en": "• Muted categories: {categories}",
    },
    "notifs_muted_none": {"fr": "aucune", "en": "none"},
    "notifs_quiet_line": {
        "fr": "• Calme : {start}–{end} (les urgences passent toujours)",
        "en": "• Quiet: {start}–{end} (urgent posts always come through)",
    },
    "notifs_quiet_none": {"fr": "• Calme : jamais", "en": "• Quiet: never"},
    "notifs_default": {"fr": " (par défaut)", "en": " (default)"},
    "notifs_how_to_change": {
        "fr": "Changer :\n• /notifs tout | urgent | resume | off\n"
        "• /notifs sans laitiers · /notifs avec laitiers\n"
        "• /notifs calme 22h-7h · /notifs calme off\n"
        "Par défaut : tout, calme 21:00–07:30.",
        "en": "Change:\n• /notifs tout | urgent | resume | off\n"
        "• /notifs sans laitiers · /notifs avec laitiers\n"
        "• /notifs calme 22h-7h · /notifs calme off\n"
        "Default: everything, quiet 21:00–07:30.",
    },
    "notifs_set_all": {
        "fr": "✅ Vous recevrez toutes les annonces qui vous concernent, dès leur publication.",
        "en": "✅ You will get every post that concerns you, as soon as it is published.",
    },
    "notifs_set_urgent": {
        "fr": "✅ Vous recevrez seulement les urgences ; {digest}",
        "en": "✅ You will get urgent posts only; {digest}",
    },
    "notifs_set_digest": {
        "fr": "✅ Plus d'annonces une à une : vous les verrez dans le résumé quotidien ; {digest}",
        "en": "✅ No more posts one by one: you will see them in the daily digest; {digest}",
    },
    "notifs_set_off": {
        "fr": "✅ Plus aucune annonce ne vous sera envoyée. Ce qui vous concerne directement "
        "(vos annonces, vos prises) continue. /notifs tout pour revenir.",
        "en": "✅ No more posts will be sent to you. What concerns you directly (your posts, "
        "your claims) continues. /notifs tout to come back.",
    },
    "notifs_digest_on": {
        "fr": "le résumé quotidien continue ({time}).",
        "en": "the daily digest continues ({time}).",
    },
    "notifs_digest_off": {
        "fr": "votre résumé quotidien est arrêté : /digest 8h pour le recevoir.",
        "en": "your daily digest is off: /digest 8h to get it.",
    },
    "notifs_set_muted": {
        "fr": "✅ Vous ne recevrez plus les annonces : {categories}. Tout le reste continue. "
        "/notifs avec … pour les retrouver.",
        "en": "✅ You will no longer get posts about: {categories}. Everything else continues. "
        "/notifs avec … to get them back.",
    },
    "notifs_set_unmuted": {
        "fr": "✅ Vous recevez de nouveau : {categories}.",
        "en": "✅ You get these again: {categories}.",
    },
    "notifs_set_unmuted_all": {
        "fr": "✅ Plus aucune catégorie coupée : vous recevez tout ce qui vous concerne.",
        "en": "✅ No muted category any more: you get everything that concerns you.",
    },
    "notifs_set_quiet": {
        "fr": "✅ Calme de {start} à {end} : les annonces non urgentes attendent la fin du "
        "calme ; les urgences passent toujours.",
        "en": "✅ Quiet from {start} to {end}: non-urgent posts wait until it ends; urgent "
        "ones always come through.",
    },
    "notifs_set_quiet_off": {
        "fr": "✅ Plus d'heures calmes : les annonces arrivent à toute heure.",
        "en": "✅ No quiet hours any more: posts arrive at any time.",
    },
    "notifs_usage": {
        "fr": "Je n'ai pas compris « {word} ». Essayez : /notifs tout, /notifs urgent, "
        "/notifs resume, /notifs off, /notifs sans laitiers, /notifs calme 22h-7h.",
        "en": 'I did not understand "{word}". Try: /notifs tout, /notifs urgent, '
        "/notifs resume, /notifs off, /notifs sans laitiers, /notifs calme 22h-7h.",
    },
    "notifs_quiet_usage": {
        "fr": "Les heures calmes s'écrivent début-fin, par ex. /notifs calme 22h-7h ou "
        "/notifs calme 21h30-7h30 ; /notifs calme off pour ne plus en avoir.",
        "en": "Quiet hours are written start-end, e.g. /notifs calme 22h-7h or "
        "/notifs calme 21h30-7h30; /notifs calme off for none.",
    },
    "notifs_mute_everything": {
        "fr": "Pour ne plus rien recevoir : /notifs off.",
        "en": "To get nothing at all: /notifs off.",
    },
    # Category names (the understanding's slugs), as a volunteer reads them.
    "cat_fruits_legumes": {"fr": "fruits et légumes", "en": "fruit and vegetables"},
    "cat_produits_laitiers": {"fr": "produits laitiers", "en": "dairy"},
    "cat_viande_poisson_oeufs": {"fr": "viande, poisson, œufs", "en": "meat, fish, eggs"},
    "cat_epicerie_seche": {"fr": "épicerie sèche", "en": "dry groceries"},
    "cat_conserves": {"fr": "conserves", "en": "tinned food"},
    "cat_surgeles": {"fr": "surgelés", "en": "frozen food"},
    "cat_boulangerie": {"fr": "boulangerie", "en": "bakery"},
    "cat_plats_prepares": {"fr": "plats préparés", "en": "ready meals"},
    "cat_boissons": {"fr": "boissons", "en": "drinks"},
    "cat_hygiene": {"fr": "hygiène", "en": "hygiene"},
    "cat_bebe": {"fr": "bébé", "en": "baby"},
    "cat_autre": {"fr": "autre", "en": "other"},
    "cat_vehicule_frigo": {"fr": "véhicule frigo", "en": "refrigerated vehicle"},
    "cat_vehicule": {"fr": "véhicule", "en": "vehicle"},
    "cat_stockage_froid": {"fr": "stockage froid", "en": "cold storage"},
    "cat_stockage": {"fr": "stockage", "en": "storage"},
    "cat_conserverie": {"fr": "conserverie", "en": "canning"},
    "cat_manutention": {"fr": "manutention", "en": "handling"},
    "cat_benevoles": {"fr": "bénévoles", "en": "volunteers"},
    # --- Files sent with messages (issues 13 and 15: charts, exports; attachments delivery) --
    "attachment_too_large": {
        "fr": "Le fichier est trop lourd pour être envoyé ({size} Mo, au plus {limit} Mo) : "
        "rien n'a été envoyé. Essayez avec une période plus courte.",
        "en": "The file is too large to send ({size} MB, at most {limit} MB): nothing was "
        "sent. Try a shorter period.",
    },
    # WhatsApp cannot carry this kind of file (CSV, JSON...): a link to download it instead.
    "attachment_link": {
        "fr": "📎 {filename} à télécharger : {url} (lien valable {days} jours)",
        "en": "📎 {filename} to download: {url} (link valid for {days} days)",
    },
    "attachment_unavailable": {
        "fr": "📎 Le fichier {filename} n'a pas pu être joint à ce message.",
        "en": "📎 The file {filename} could not be attached to this message.",
    },
    "terminal_file": {"fr": "📎 fichier : {path}", "en": "📎 file: {path}"},
    # --- Exports of the transfers (issue 13: /export, boucle export; handlers/exports.py) ---
    # The files' columns and sheets (the README names the French ones).
    "export_column_date": {"fr": "Date", "en": "Date"},
    "export_column_giver": {"fr": "Association donneuse", "en": "Giving association"},
    "export_column_receiver": {"fr": "Association receveuse", "en": "Receiving association"},
    "export_column_what": {"fr": "Quoi", "en": "What"},
    "export_column_category": {"fr": "Catégorie", "en": "Category"},
    "export_column_quantity": {"fr": "Quantité", "en": "Quantity"},
    "export_column_unit": {"fr": "Unité", "en": "Unit"},
    "export_column_kilos": {"fr": "Kilos (équivalent)", "en": "Kilos (equivalent)"},
    "export_column_post": {"fr": "Annonce n°", "en": "Post no."},
    "export_column_claim": {"fr": "Prise n°", "en": "Claim no."},
    "export_sheet_transfers": {"fr": "Transferts", "en": "Transfers"},
    "export_sheet_summary": {"fr": "Synthèse", "en": "Summary"},
    "export_no_category": {"fr": "sans catégorie", "en": "no category"},
    "export_summary_title": {
        "fr": "Synthèse des transferts entre associations",
        "en": "Transfers between associations: summary",
    },
    "export_summary_period": {"fr": "Période", "en": "Period"},
    "export_summary_who": {"fr": "Pour", "en": "For"},
    "export_summary_transfers": {"fr": "Transferts", "en": "Transfers"},
    "export_summary_given": {"fr": "Kilos donnés (équivalent)", "en": "Kilos given (equivalent)"},
    "export_summary_received": {
        "fr": "Kilos reçus (équivalent)",
        "en": "Kilos received (equivalent)",
    },
    "export_summary_givers": {"fr": "Associations donneuses", "en": "Giving associations"},
    "export_summary_receivers": {"fr": "Associations receveuses", "en": "Receiving associations"},
    "export_summary_associations": {"fr": "Associations en tout", "en": "Associations in all"},
    "export_summary_total": {"fr": "Total", "en": "Total"},
    "export_summary_conversions": {"fr": "Conversions utilisées", "en": "Conversions used"},
    "export_no_conversion": {
        "fr": "aucune : toutes les quantités étaient en kg",
        "en": "none: every quantity was in kg",
    },
    "export_summary_without_kilos": {
        "fr": "Transferts sans équivalent en kilos (unités, personnes, quantité inconnue)",
        "en": "Transfers without kilos (items, people, unknown quantity)",
    },
    "export_summary_rules": {
        "fr": "Les annonces et les prises annulées ne comptent pas ; un chiffre corrigé par "
        "l'association de l'annonce remplace le premier ; chaque prise compte une fois, à la "
        "date où elle a été faite (/fait).",
        "en": "Withdrawn posts and claims do not count; a figure corrected by the post's "
        "association replaces the first one; each claim counts once, on the day it was done "
        "(/fait).",
    },
    "export_dates": {"fr": "du {start} au {end}", "en": "from {start} to {end}"},
    "export_whole_network": {"fr": "tout le réseau", "en": "the whole network"},
    # The chat's answers.
    "export_usage": {
        "fr": "Pour recevoir les transferts dans un fichier : /export mois (le mois dernier), "
        "/export semaine, /export année, ou /export 01/11/2026-30/11/2026. Ajoutez csv pour "
        "un fichier CSV (tableur par défaut).",
        "en": "To get the transfers as a file: /export mois (last month), /export semaine, "
        "/export année, or /export 01/11/2026-30/11/2026. Add csv for a CSV file (a "
        "spreadsheet by default).",
    },
    "export_bad_date": {
        "fr": "« {text} » n'est pas une date. Écrivez-la JJ/MM/AAAA, par ex. "
        "/export 01/11/2026-30/11/2026.",
        "en": '"{text}" is not a date. Write it DD/MM/YYYY, e.g. /export 01/11/2026-30/11/2026.',
    },
    "export_dates_order": {
        "fr": "Le début ({start}) est après la fin ({end}) : mettez la date la plus ancienne "
        "d'abord, par ex. /export {end}-{start}.",
        "en": "The start ({start}) is after the end ({end}): put the earlier date first, e.g. "
        "/export {end}-{start}.",
    },
    "export_nothing": {
        "fr": "Aucun transfert {dates} pour {who}. Essayez une autre période : /export année, "
        "ou /export 01/01/2026-30/11/2026.",
        "en": "No transfer {dates} for {who}. Try another period: /export année, or "
        "/export 01/01/2026-30/11/2026.",
    },
    "export_too_many": {
        "fr": "Plus de {limit} transferts {dates} : c'est trop pour un fichier dans la "
        "discussion. Choisissez une période plus courte (/export mois, ou des dates), ou "
        "demandez l'export à la personne qui gère le serveur (boucle export).",
        "en": "More than {limit} transfers {dates}: too many for a file in the chat. Choose a "
        "shorter period (/export mois, or dates), or ask whoever runs the server "
        "(boucle export).",
    },
    "export_caption": {
        "fr": "📄 Transferts {dates} — {who} : {count} transfert(s), {kilos} kg (équivalent).",
        "en": "📄 Transfers {dates} — {who}: {count} transfer(s), {kilos} kg (equivalent).",
    },
    "export_caption_conversions": {
        "fr": "Conversions : {conversions}.",
        "en": "Conversions: {conversions}.",
    },
    "export_caption_xlsx": {
        "fr": "Tableur : une ligne par transfert (feuille « Transferts »), les totaux dans "
        "« Synthèse ».",
        "en": "Spreadsheet: one row per transfer (sheet « Transferts »), the totals in "
        "« Synthèse ».",
    },
    "export_caption_csv": {
        "fr": "CSV (séparateur ;) : une ligne par transfert. Les totaux : /export sans csv.",
        "en": "CSV (separator ;): one row per transfer. The totals: /export without csv.",
    },
    "help_export": {
        "fr": "Chiffres : /export mois, /export année (csv) : les transferts de votre "
        "association dans un fichier tableur.",
        "en": "Figures: /export mois, /export année (csv): your association's transfers as a "
        "spreadsheet.",
    },
    # Issue 15: running it. The settings' problems (`Settings.problems`, `boucle run`) and
    # `boucle doctor`'s findings, each saying what to fix.
    "settings_webhook_needs_secret": {
        "fr": "TELEGRAM_WEBHOOK_URL demande aussi TELEGRAM_WEBHOOK_SECRET.",
        "en": "TELEGRAM_WEBHOOK_URL also needs TELEGRAM_WEBHOOK_SECRET.",
    },
    "settings_whatsapp_incomplete": {
        "fr": "WhatsApp demande TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN et TWILIO_WHATSAPP_FROM.",
        "en": "WhatsApp needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_FROM.",
    },
    "settings_whatsapp_needs_public_url": {
        "fr": "WhatsApp demande BOUCLE_PUBLIC_URL (l'adresse publique que Twilio appelle).",
        "en": "WhatsApp needs BOUCLE_PUBLIC_URL (the public address Twilio calls).",
    },
    "doctor_summary": {
        "fr": "Boucle doctor : {checks} vérifications, {problems} problème(s), "
        "{warnings} avertissement(s).",
        "en": "Boucle doctor: {checks} checks, {problems} problem(s), {warnings} warning(s).",
    },
    "doctor_all_good": {
        "fr": "Tout est prêt.",
        "en": "All set.",
    },
    "doctor_fix_first": {
        "fr": "Corrigez les lignes ✗, puis relancez boucle doctor.",
        "en": "Fix the ✗ lines, then run boucle doctor again.",
    },
    "doctor_settings_ok": {
        "fr": "Réglages lus et cohérents.",
        "en": "Settings read, and consistent.",
    },
    "doctor_settings_problem": {
        "fr": "Réglages : {problem}",
        "en": "Settings: {problem}",
    },
    "doctor_timezone_ok": {
        "fr": "Fuseau horaire : {zone}.",
        "en": "Time zone: {zone}.",
    },
    "doctor_timezone_unknown": {
        "fr": "Fuseau horaire inconnu : « {zone} ». Mettez un nom de la base tz, par ex. "
        "BOUCLE_TIMEZONE=Europe/Paris.",
        "en": "Unknown time zone: “{zone}”. Use a tz database name, e.g. "
        "BOUCLE_TIMEZONE=Europe/Paris.",
    },
    "doctor_no_channel": {
        "fr": "Aucun canal configuré : boucle run ouvrirait la démo du terminal. Mettez "
        "TELEGRAM_BOT_TOKEN (ou le compte Twilio) dans les réglages.",
        "en": "No channel configured: boucle run would open the terminal demo. Set "
        "TELEGRAM_BOT_TOKEN (or the Twilio account) in the settings.",
    },
    "doctor_public_url_ok": {
        "fr": "Adresse publique : {url}.",
        "en": "Public address: {url}.",
    },
    "doctor_public_url_bad": {
        "fr": "BOUCLE_PUBLIC_URL n'est pas une adresse HTTPS sans paramètres : « {url} ». Twilio "
        "signe l'adresse exacte qu'il appelle : mettez https://votre-domaine (sans /whatsapp).",
        "en": "BOUCLE_PUBLIC_URL is not an HTTPS address without parameters: “{url}”. Twilio "
        "signs the exact address it calls: set https://your-domain (without /whatsapp).",
    },
    "doctor_webhook_url_bad": {
        "fr": "TELEGRAM_WEBHOOK_URL doit être une adresse HTTPS qui finit par /telegram (par ex. "
        "https://boucle.example.org/telegram), pas « {url} ».",
        "en": "TELEGRAM_WEBHOOK_URL must be an HTTPS address ending in /telegram (e.g. "
        "https://boucle.example.org/telegram), not “{url}”.",
    },
    "doctor_telegram_ok": {
        "fr": "Telegram accepte le jeton : le bot est @{username}.",
        "en": "Telegram accepts the token: the bot is @{username}.",
    },
    "doctor_telegram_refused": {
        "fr": "Telegram refuse le jeton : recopiez TELEGRAM_BOT_TOKEN depuis @BotFather "
        "(/mybots, API Token).",
        "en": "Telegram refuses the token: copy TELEGRAM_BOT_TOKEN again from @BotFather "
        "(/mybots, API Token).",
    },
    "doctor_telegram_unreachable": {
        "fr": "Telegram ne répond pas ({error}) : vérifiez que le serveur joint api.telegram.org "
        "(pare-feu, DNS, proxy).",
        "en": "Telegram does not answer ({error}): check that the server reaches "
        "api.telegram.org (firewall, DNS, proxy).",
    },
    "doctor_polling_ok": {
        "fr": "Telegram en polling (sans webhook) : {pending} mise(s) à jour en attente.",
        "en": "Telegram by polling (no webhook): {pending} update(s) waiting.",
    },
    "doctor_webhook_ok": {
        "fr": "Webhook Telegram : {url}, {pending} mise(s) à jour en attente.",
        "en": "Telegram webhook: {url}, {pending} update(s) waiting.",
    },
    "doctor_webhook_not_set": {
        "fr": "Le webhook n'est pas encore enregistré chez Telegram : boucle run l'enregistre au "
        "démarrage.",
        "en": "The webhook is not registered with Telegram yet: boucle run registers it at start.",
    },
    "doctor_webhook_mismatch": {
        "fr": "Telegram envoie les mises à jour à « {actual} », pas à TELEGRAM_WEBHOOK_URL "
        "(« {expected} ») : redémarrez Boucle, qui enregistre le sien au démarrage.",
        "en": "Telegram sends updates to “{actual}”, not to TELEGRAM_WEBHOOK_URL "
        "(“{expected}”): restart Boucle, which registers its own at start.",
    },
    "doctor_webhook_in_polling": {
        "fr": "Un webhook est enregistré chez Telegram (« {actual} ») alors que Boucle est en "
        "polling : redémarrez Boucle (il le retire au démarrage) ou mettez TELEGRAM_WEBHOOK_URL.",
        "en": "A webhook is registered with Telegram (“{actual}”) while Boucle polls: restart "
        "Boucle (it removes it at start) or set TELEGRAM_WEBHOOK_URL.",
    },
    "doctor_webhook_backlog": {
        "fr": "{pending} mises à jour attendent chez Telegram : Boucle ne les reçoit pas (est-il "
        "arrêté ? le proxy répond-il ?).",
        "en": "{pending} updates wait at Telegram: Boucle does not receive them (is it stopped? "
        "does the proxy answer?).",
    },
    "doctor_webhook_error": {
        "fr": "Dernière erreur de Telegram en appelant le webhook ({when}) : « {error} ». "
        "Vérifiez le proxy (certificat, chemin /telegram) et que Boucle écoute.",
        "en": "Telegram's last error calling the webhook ({when}): “{error}”. Check the proxy "
        "(certificate, /telegram path) and that Boucle listens.",
    },
    "doctor_db_ok": {
        "fr": "Base de données {path} : {size}, intègre, mode WAL, migrations à jour.",
        "en": "Database {path}: {size}, intact, WAL mode, migrations up to date.",
    },
    "doctor_db_missing": {
        "fr": "La base {path} n'existe pas encore : boucle run la crée au premier démarrage "
        "(sinon, vérifiez BOUCLE_DB_PATH).",
        "en": "The database {path} does not exist yet: boucle run creates it at first start "
        "(otherwise, check BOUCLE_DB_PATH).",
    },
    "doctor_db_folder_missing": {
        "fr": "Le dossier de la base n'existe pas : {folder}. Créez-le pour le compte du bot, ou "
        "corrigez BOUCLE_DB_PATH.",
        "en": "The database's folder does not exist: {folder}. Create it for the bot's account, "
        "or correct BOUCLE_DB_PATH.",
    },
    "doctor_db_folder_readonly": {
        "fr": "Impossible d'écrire dans {folder} : la base et son journal (-wal) s'y écrivent. "
        "Donnez ce dossier au compte du bot (chown boucle:boucle {folder}).",
        "en": "Cannot write in {folder}: the database and its log (-wal) are written there. "
        "Give the folder to the bot's account (chown boucle:boucle {folder}).",
    },
    "doctor_db_damaged": {
        "fr": "La base {path} est illisible ou abîmée ({error}) : arrêtez Boucle et restaurez "
        "la dernière sauvegarde (boucle restore FICHIER).",
        "en": "The database {path} is unreadable or damaged ({error}): stop Boucle and restore "
        "the latest backup (boucle restore FILE).",
    },
    "doctor_db_pending": {
        "fr": "{count} migration(s) à appliquer : boucle run les applique au démarrage.",
        "en": "{count} migration(s) to apply: boucle run applies them at start.",
    },
    "doctor_db_newer": {
        "fr": "La base vient d'une version plus récente de Boucle (migrations inconnues : "
        "{names}) : installez cette version, ou restaurez une sauvegarde faite par celle-ci.",
        "en": "The database comes from a newer Boucle (unknown migrations: {names}): install "
        "that version, or restore a backup made by this one.",
    },
    "doctor_db_not_wal": {
        "fr": "La base n'est pas en mode WAL : boucle run l'y met au démarrage.",
        "en": "The database is not in WAL mode: boucle run sets it at start.",
    },
    "doctor_db_open_to_others": {
        "fr": "La base {path} est lisible par d'autres comptes : boucle run la restreint au "
        "démarrage (ou chmod 600 {path}).",
        "en": "The database {path} is readable by other accounts: boucle run restricts it at "
        "start (or chmod 600 {path}).",
    },
    "doctor_disk_ok": {
        "fr": "Disque : {free} libres dans {folder}.",
        "en": "Disk: {free} free in {folder}.",
    },
    "doctor_disk_low": {
        "fr": "Disque presque plein : {free} libres dans {folder} (minimum {minimum}). Libérez "
        "de la place (vieilles sauvegardes, journaux) ou agrandissez le disque.",
        "en": "Disk almost full: {free} free in {folder} (minimum {minimum}). Free some space "
        "(old backups, logs) or grow the disk.",
    },
    "doctor_metrics_token_short": {
        "fr": "BOUCLE_METRICS_TOKEN est court ({length} caractères) : prenez-en un d'au moins 32 "
        "(openssl rand -hex 32).",
        "en": "BOUCLE_METRICS_TOKEN is short ({length} characters): use one of at least 32 "
        "(openssl rand -hex 32).",
    },
    "doctor_bot_running": {
        "fr": "Boucle tourne sur cette base (processus {pid}).",
        "en": "Boucle is running on this database (process {pid}).",
    },
    "doctor_bot_stopped": {
        "fr": "Boucle ne tourne pas sur cette base en ce moment.",
        "en": "Boucle is not running on this database right now.",
    },
    # --- Issue 14: group purchases (handlers/purchases.py, handlers/purchase_deadlines.py) ---
    "help_purchases": {
        "fr": "Achats groupés : /achats (ceux en cours) · /achat 12 (le détail) · "
        "coordinateurs : /commande 12 5 pour commander 5 unités pour votre association (0 pour "
        "retirer) ; /achat nouveau pour en ouvrir un, ou en une ligne : /achat riz, sac de "
        "25 kg, 18,50 €, Metro Carcassonne, minimum 40 sacs, avant le 15/12.",
        "en": "Group purchases: /achats (open ones) · /achat 12 (details) · coordinators: "
        "/commande 12 5 to order 5 packs for your association (0 to withdraw); /achat nouveau "
        "to open one, or in one line: /achat riz, sac de 25 kg, 18,50 €, Metro Carcassonne, "
        "minimum 40 sacs, avant le 15/12.",
    },
    "purchase_open_coordinators": {
        "fr": "Seuls les coordinateurs ouvrent un achat groupé : proposez-le à votre "
        "coordinateur. /achats montre les achats en cours.",
        "en": "Only coordinators open a group purchase: suggest it to your coordinator. "
        "/achats shows the open ones.",
    },
    "purchase_commit_coordinators": {
        "fr": "Seuls les coordinateurs engagent leur association dans un achat groupé : "
        "demandez à votre coordinateur de commander (/commande N QUANTITÉ).",
        "en": "Only coordinators commit their association to a group purchase: ask your "
        "coordinator to order (/commande N QUANTITY).",
    },
    "purchase_not_organiser": {
        "fr": "Seule l'association qui organise cet achat groupé peut le clore ou le prolonger.",
        "en": "Only the association organising this group purchase can close or extend it.",
    },
    "purchase_not_found": {
        "fr": "Il n'y a pas d'achat groupé n°{id}. /achats montre ceux en cours.",
        "en": "There is no group purchase #{id}. /achats shows the open ones.",
    },
    "purchase_not_open": {
        "fr": "Les commandes de l'achat groupé #{id} sont closes ({status}).",
        "en": "Orders for group purchase #{id} are closed ({status}).",
    },
    "purchase_status_open": {"fr": "en cours", "en": "open"},
    "purchase_status_closing": {"fr": "clôture en cours", "en": "closing"},
    "purchase_status_reached": {"fr": "conclu, minimum atteint", "en": "done, minimum reached"},
    "purchase_status_cancelled": {"fr": "annulé", "en": "cancelled"},
    "purchase_usage": {
        "fr": "Je n'ai pas compris « {word} ». Pour l'achat groupé #{id} : /achat {id} (le "
        "détail), /achat {id} clore, /achat {id} prolonger 20/12.",
        "en": 'I did not understand "{word}". For group purchase #{id}: /achat {id} '
        "(details), /achat {id} clore (close now), /achat {id} prolonger 20/12 (extend).",
    },
    "purchase_commit_usage": {
        "fr": "Pour commander : /commande N QUANTITÉ, par ex. /commande 12 5 (0 pour retirer). "
        "/achats : les achats en cours.",
        "en": "To order: /commande N QUANTITY, e.g. /commande 12 5 (0 to withdraw). "
        "/achats: the open purchases.",
    },
    # Opening, one question at a time (or one line)
    "purchase_step_product": {
        "fr": "🛒 Nouvel achat groupé. Quel produit, et dans quel conditionnement ? "
        "(ex. « riz, sac de 25 kg »)",
        "en": '🛒 New group purchase. Which product, and in which pack? (e.g. "riz, sac de 25 kg")',
    },
    "purchase_step_pack": {
        "fr": "Quel conditionnement pour « {product} » ? (ex. « sac de 25 kg », « carton de "
        "12 boîtes »)",
        "en": 'Which pack for "{product}"? (e.g. "sac de 25 kg", "carton de 12 boîtes")',
    },
    "purchase_step_price": {
        "fr": "Quel prix par {pack} ? (ex. « 18,50 € »)",
        "en": 'What price per {pack}? (e.g. "18,50 €")',
    },
    "purchase_step_supplier": {
        "fr": "Chez quel fournisseur ? (ex. « Metro Carcassonne »)",
        "en": 'From which supplier? (e.g. "Metro Carcassonne")',
    },
    "purchase_step_minimum": {
        "fr": "Quel minimum faut-il atteindre, toutes associations ensemble ? En nombre "
        "(« 40 ») ou en euros (« 800 € »).",
        "en": "What minimum must be reached, all associations together? As a number of "
        'packs ("40") or in euros ("800 €").',
    },
    "purchase_step_deadline": {
        "fr": "Jusqu'à quand peut-on commander ? (ex. « 15/12 », « vendredi 12h » ; un jour "
        "sans heure : jusqu'à 18h)",
        "en": 'Until when can associations order? (e.g. "15/12", "vendredi 12h"; a day '
        "without an hour: until 18:00)",
    },
    "purchase_step_pickup": {
        "fr": "Où et quand récupérer la marchandise ? (ex. « entrepôt BA11, Carcassonne, le "
        "18/12 au matin ») — ou « passer » : à convenir avec vous.",
        "en": 'Where and when will the goods be collected? (e.g. "entrepôt BA11, '
        'Carcassonne, le 18/12 au matin") — or "passer": to be agreed with you.',
    },
    "purchase_step_hint": {
        "fr": "(« annuler » pour arrêter)",
        "en": '("annuler" to stop)',
    },
    "purchase_confirm_title": {
        "fr": "Vérifiez l'achat groupé avant de l'annoncer :",
        "en": "Check the group purchase before it is announced:",
    },
    "purchase_confirm_audience": {
        "fr": "Il sera annoncé à {count} association(s) proche(s) (dans un rayon de {radius} km).",
        "en": "It will be announced to {count} association(s) nearby (within {radius} km).",
    },
    "purchase_confirm_audience_all": {
        "fr": "Il sera annoncé à {count} association(s) du réseau.",
        "en": "It will be announced to {count} association(s) of the network.",
    },
    "purchase_confirm_fix": {
        "fr": "Pour corriger, écrivez la valeur juste (« 19,50 € », « minimum 50 sacs », "
        "« avant le 16/12 », « chez Promocash »).",
        "en": 'To correct, write the right value ("19,50 €", "minimum 50 sacs", "avant le '
        '16/12", "chez Promocash").',
    },
    "purchase_confirm_again": {
        "fr": "Répondez 1 pour l'annoncer, 2 pour l'abandonner, ou écrivez la valeur à corriger.",
        "en": "Reply 1 to announce it, 2 to drop it, or write the value to correct.",
    },
    "button_purchase_publish": {"fr": "✅ Annoncer", "en": "✅ Announce"},
    "button_purchase_stop": {"fr": "✖ Abandonner", "en": "✖ Drop"},
    "button_purchase_skip": {"fr": "⏭ Passer", "en": "⏭ Skip"},
    "button_purchase_order": {"fr": "🛒 Commander", "en": "🛒 Order"},
    "purchase_guided_stopped": {
        "fr": "Achat groupé abandonné : rien n'a été annoncé.",
        "en": "Group purchase dropped: nothing was announced.",
    },
    "purchase_nothing_guided": {
        "fr": "Aucun achat groupé en préparation. Pour en ouvrir un : /achat nouveau",
        "en": "No group purchase being prepared. To open one: /achat nouveau",
    },
    "purchase_unknown_parts": {
        "fr": "Je n'ai pas compris : {parts} (le reste est noté).",
        "en": "I did not understand: {parts} (the rest is noted).",
    },
    "purchase_price_invalid": {
        "fr": "Je n'ai pas compris le prix : écrivez-le en euros, par ex. « 18,50 € ».",
        "en": 'I did not understand the price: write it in euros, e.g. "18,50 €".',
    },
    "purchase_minimum_invalid": {
        "fr": "Je n'ai pas compris le minimum : un nombre d'unités (« minimum 40 sacs », "
        "« 40 ») ou un montant (« minimum 800 € »).",
        "en": 'I did not understand the minimum: a number of packs ("minimum 40 sacs", '
        '"40") or an amount ("minimum 800 €").',
    },
    "purchase_minimum_unit": {
        "fr": "Le minimum se compte en unités achetées (« minimum 40 sacs ») ou en euros "
        "(« minimum 800 € »), pas en kilos ni en litres.",
        "en": 'The minimum counts packs bought ("minimum 40 sacs") or euros ("minimum 800 '
        '€"), not kilos or litres.',
    },
    "purchase_deadline_invalid": {
        "fr": "Je n'ai pas compris la date limite : par ex. « avant le 15/12 », « vendredi "
        "12h », « 15 décembre à 18h ».",
        "en": 'I did not understand the deadline: e.g. "avant le 15/12", "vendredi 12h", '
        '"15 décembre à 18h".',
    },
    "purchase_deadline_past": {
        "fr": "Cette date limite est déjà passée : donnez-en une à venir (ex. « 15/12 »).",
        "en": 'This deadline is already past: give one to come (e.g. "15/12").',
    },
    "purchase_deadline_far": {
        "fr": "Cette date limite est à plus d'un an : donnez-en une plus proche.",
        "en": "This deadline is more than a year away: give a nearer one.",
    },
    "purchase_text_invalid": {
        "fr": "Écrivez-le en quelques mots (2 à {longest} caractères).",
        "en": "Write it in a few words (2 to {longest} characters).",
    },
    "purchase_quantity_invalid": {
        "fr": "La quantité s'écrit en nombre entier, par ex. /commande {id} 5 (0 pour retirer).",
        "en": "The quantity is a whole number, e.g. /commande {id} 5 (0 to withdraw).",
    },
    # What a purchase says of itself
    "purchase_when": {"fr": "{day} à {time}", "en": "{day} at {time}"},
    "purchase_summary_product": {"fr": "Produit : {product}", "en": "Product: {product}"},
    "purchase_summary_pack": {"fr": "Conditionnement : {pack}", "en": "Pack: {pack}"},
    "purchase_summary_price": {
        "fr": "Prix : {price} par {pack}",
        "en": "Price: {price} per {pack}",
    },
    "purchase_summary_supplier": {"fr": "Fournisseur : {supplier}", "en": "Supplier: {supplier}"},
    "purchase_summary_minimum": {
        "fr": "Minimum à atteindre (toutes associations) : {minimum}",
        "en": "Minimum to reach (all associations): {minimum}",
    },
    "purchase_summary_deadline": {
        "fr": "Commandes jusqu'au {when}",
        "en": "Orders until {when}",
    },
    "purchase_summary_shifted": {
        "fr": "({typed} n'existe pas ce jour-là : passage à l'heure d'été)",
        "en": "({typed} does not exist that day: clocks go forward)",
    },
    "purchase_pack_unknown": {"fr": "unité", "en": "pack"},
    "purchase_contact": {
        "fr": "{name} ({association}) : {contact}",
        "en": "{name} ({association}): {contact}",
    },
    "purchase_summary_pickup": {"fr": "Retrait : {pickup}", "en": "Pick-up: {pickup}"},
    "purchase_pickup_default": {
        "fr": "à convenir avec {association} ({commune})",
        "en": "to be agreed with {association} ({commune})",
    },
    "purchase_progress": {
        "fr": "Total : {total} sur {minimum} minimum ({percent} %), {count} association(s).",
        "en": "Total: {total} of {minimum} minimum ({percent}%), {count} association(s).",
    },
    # The announcement
    "purchase_announce_title": {
        "fr": "🛒 Achat groupé #{id} — {association}",
        "en": "🛒 Group purchase #{id} — {association}",
    },
    "purchase_announce_how": {
        "fr": "Coordinateurs, pour commander pour votre association : /commande {id} QUANTITÉ "
        "(par ex. /commande {id} 5), modifiable jusqu'à la clôture. Contact : {contact}",
        "en": "Coordinators, to order for your association: /commande {id} QUANTITY "
        "(e.g. /commande {id} 5), changeable until the deadline. Contact: {contact}",
    },
    "purchase_opened": {
        "fr": "✅ Achat groupé #{id} annoncé : {audience}\nVotre association peut aussi "
        "commander : /commande {id} QUANTITÉ. Pour clore plus tôt : /achat {id} clore ; pour "
        "prolonger (une fois) : /achat {id} prolonger 20/12.",
        "en": "✅ Group purchase #{id} announced: {audience}\nYour association can order too: "
        "/commande {id} QUANTITY. To close early: /achat {id} clore; to extend (once): "
        "/achat {id} prolonger 20/12.",
    },
    "purchase_reach": {
        "fr": "envoyé à {count} association(s) proche(s) (dans un rayon de {radius} km).",
        "en": "sent to {count} association(s) nearby (within {radius} km).",
    },
    "purchase_reach_all": {
        "fr": "envoyé à {count} association(s) du réseau.",
        "en": "sent to {count} association(s) of the network.",
    },
    # Committing
    "purchase_ask_quantity": {
        "fr": "Combien pour {association} ? Achat groupé #{id} : {product}, {price} par "
        "{pack}. Répondez par un nombre (ex. « 5 »), 0 pour ne rien prendre.",
        "en": "How many for {association}? Group purchase #{id}: {product}, {price} per "
        '{pack}. Reply with a number (e.g. "5"), 0 for none.',
    },
    "purchase_ask_busy": {
        "fr": "Écrivez la quantité avec la commande : /commande {id} 5 (0 pour retirer).",
        "en": "Write the quantity with the command: /commande {id} 5 (0 to withdraw).",
    },
    "purchase_committed": {
        "fr": "✅ {association} : {packs} à l'achat groupé #{id} ({product}), soit {amount}.",
        "en": "✅ {association}: {packs} in group purchase #{id} ({product}), i.e. {amount}.",
    },
    "purchase_withdrawn": {
        "fr": "✅ {association} ne prend plus part à l'achat groupé #{id} ({product}).",
        "en": "✅ {association} no longer takes part in group purchase #{id} ({product}).",
    },
    "purchase_nothing_to_withdraw": {
        "fr": "{association} n'a rien commandé à l'achat groupé #{id} : rien à retirer.",
        "en": "{association} ordered nothing in group purchase #{id}: nothing to withdraw.",
    },
    "purchase_change_until": {
        "fr": "Modifiable jusqu'au {when} : /commande {id} QUANTITÉ (0 pour retirer).",
        "en": "Changeable until {when}: /commande {id} QUANTITY (0 to withdraw).",
    },
    "purchase_half": {
        "fr": "📈 Achat groupé #{id} ({product}) : la moitié du minimum est atteinte. {progress}",
        "en": "📈 Group purchase #{id} ({product}): half of the minimum is reached. {progress}",
    },
    "purchase_reached_early": {
        "fr": "🎉 Achat groupé #{id} ({product}) : le minimum est atteint ! {progress}\n"
        "L'achat se fera à la clôture, le {when} ; les commandes restent modifiables "
        "jusque-là.",
        "en": "🎉 Group purchase #{id} ({product}): the minimum is reached! {progress}\n"
        "The purchase happens at the deadline, {when}; orders can change until then.",
    },
    "purchase_half_you": {
        "fr": "📈 La moitié du minimum est atteinte : les autres participants sont prévenus.",
        "en": "📈 Half of the minimum is reached: the other participants are told.",
    },
    "purchase_reached_early_you": {
        "fr": "🎉 Le minimum est atteint : l'achat se fera à la clôture. Les autres "
        "participants sont prévenus.",
        "en": "🎉 The minimum is reached: the purchase happens at the deadline. The other "
        "participants are told.",
    },
    "purchase_fell_below_you": {
        "fr": "⚠️ Le minimum n'est plus atteint : les autres participants sont prévenus.",
        "en": "⚠️ The minimum is no longer reached: the other participants are told.",
    },
    "purchase_fell_below": {
        "fr": "⚠️ Achat groupé #{id} ({product}) : après un changement, le minimum n'est plus "
        "atteint. {progress}",
        "en": "⚠️ Group purchase #{id} ({product}): after a change, the minimum is no longer "
        "reached. {progress}",
    },
    # /achats, /achat N
    "purchase_list_title": {
        "fr": "🛒 Achats groupés en cours ({count}) :",
        "en": "🛒 Open group purchases ({count}):",
    },
    "purchase_list_line": {
        "fr": "#{id} {product} — {pack}, {price} ({association}) · {percent} % du minimum · "
        "clôture {when}{yours}",
        "en": "#{id} {product} — {pack}, {price} ({association}) · {percent}% of the minimum "
        "· closes {when}{yours}",
    },
    "purchase_list_yours": {"fr": " · vous : {packs}", "en": " · you: {packs}"},
    "purchase_list_how": {
        "fr": "Le détail : /achat N · commander (coordinateurs) : /commande N QUANTITÉ.",
        "en": "Details: /achat N · order (coordinators): /commande N QUANTITY.",
    },
    "purchase_list_empty": {
        "fr": "Aucun achat groupé en cours pour votre association. Coordinateurs : /achat "
        "nouveau pour en ouvrir un.",
        "en": "No open group purchase for your association. Coordinators: /achat nouveau to "
        "open one.",
    },
    "purchase_show_title": {
        "fr": "🛒 Achat groupé #{id} — {association} ({status})",
        "en": "🛒 Group purchase #{id} — {association} ({status})",
    },
    "purchase_show_orders": {
        "fr": "Commandes : {orders}",
        "en": "Orders: {orders}",
    },
    "purchase_show_more": {"fr": "et {count} autre(s)", "en": "and {count} more"},
    "purchase_show_yours": {
        "fr": "Votre association : {packs}.",
        "en": "Your association: {packs}.",
    },
    "purchase_show_yours_none": {
        "fr": "Votre association n'a pas commandé.",
        "en": "Your association has not ordered.",
    },
    # Closing early, extending
    "purchase_extended": {
        "fr": "✅ Achat groupé #{id} prolongé : commandes jusqu'au {when}. On ne prolonge "
        "qu'une fois.",
        "en": "✅ Group purchase #{id} extended: orders until {when}. It can be extended only "
        "once.",
    },
    "purchase_extended_notice": {
        "fr": "📅 Achat groupé #{id} ({product}) prolongé par {association} : commandes "
        "jusqu'au {when}. {progress}",
        "en": "📅 Group purchase #{id} ({product}) extended by {association}: orders until "
        "{when}. {progress}",
    },
    "purchase_extend_once": {
        "fr": "L'achat groupé #{id} a déjà été prolongé une fois (commandes jusqu'au {when}) : "
        "on ne prolonge qu'une fois, pour que chacun puisse compter sur la date. Vous pouvez "
        "le clore maintenant : /achat {id} clore.",
        "en": "Group purchase #{id} was already extended once (orders until {when}): it is "
        "extended only once, so everyone can rely on the date. You can close it now: /achat "
        "{id} clore.",
    },
    "purchase_extend_earlier": {
        "fr": "La nouvelle date doit venir après la clôture prévue ({when}). Pour clore plus "
        "tôt : /achat {id} clore.",
        "en": "The new date must come after the planned deadline ({when}). To close early: "
        "/achat {id} clore.",
    },
    "purchase_extend_usage": {
        "fr": "Pour prolonger (une fois) : /achat {id} prolonger 20/12.",
        "en": "To extend (once): /achat {id} prolonger 20/12.",
    },
    # At the deadline (or closed early), and the day before
    "purchase_reminder": {
        "fr": "⏰ Achat groupé #{id} : {product} — {pack}, {price} (fournisseur : {supplier}), "
        "organisé par {association}. Clôture le {when}. {progress}\nVotre association n'a pas "
        "encore répondu. Pour commander : /commande {id} QUANTITÉ.",
        "en": "⏰ Group purchase #{id}: {product} — {pack}, {price} (supplier: {supplier}), "
        "organised by {association}. Closes {when}. {progress}\nYour association has not "
        "answered yet. To order: /commande {id} QUANTITY.",
    },
    "purchase_share": {
        "fr": "✅ Achat groupé #{id} conclu : {product} — {pack}, chez {supplier}.\n"
        "Votre part ({association}) : {packs} × {price} = {amount}, à régler à {organiser}.\n"
        "Retrait : {pickup}\nContact : {contact}",
        "en": "✅ Group purchase #{id} done: {product} — {pack}, from {supplier}.\n"
        "Your share ({association}): {packs} × {price} = {amount}, to be paid to {organiser}.\n"
        "Pick-up: {pickup}\nContact: {contact}",
    },
    "purchase_cancelled_notice": {
        "fr": "❌ Achat groupé #{id} ({product}) annulé : le minimum n'a pas été atteint. "
        "{progress} Rien n'est commandé, rien n'est dû.",
        "en": "❌ Group purchase #{id} ({product}) cancelled: the minimum was not reached. "
        "{progress} Nothing is ordered, nothing is owed.",
    },
    "purchase_recap_reached": {
        "fr": "✅ Votre achat groupé #{id} est conclu : {product} — {pack}, chez {supplier}.\n"
        "{packs} pour {amount} au total, {count} association(s) (minimum : {minimum}).\n"
        "{lines}\nLe détail est dans le fichier joint. Passez la commande au fournisseur : "
        "chaque association sait ce qu'elle doit et où retirer.",
        "en": "✅ Your group purchase #{id} is done: {product} — {pack}, from {supplier}.\n"
        "{packs} for {amount} in all, {count} association(s) (minimum: {minimum}).\n"
        "{lines}\nThe details are in the attached file. Place the order with the supplier: "
        "each association knows what it owes and where to collect.",
    },
    "purchase_recap_line": {
        "fr": "• {association} : {packs} — {amount}",
        "en": "• {association}: {packs} — {amount}",
    },
    "purchase_recap_more": {
        "fr": "• … et {count} autre(s), dans le fichier",
        "en": "• … and {count} more, in the file",
    },
    "purchase_recap_cancelled": {
        "fr": "❌ Votre achat groupé #{id} ({product}) est annulé : minimum non atteint. "
        "{progress} Les associations engagées sont prévenues.",
        "en": "❌ Your group purchase #{id} ({product}) is cancelled: minimum not reached. "
        "{progress} The associations that ordered are told.",
    },
    "purchase_csv_caption": {
        "fr": "📎 Achat groupé #{id} : le détail des commandes (tableur).",
        "en": "📎 Group purchase #{id}: the orders in detail (spreadsheet).",
    },
    "purchase_csv_headers": {
        "fr": "Association;Commune;Coordinateur;Contact;Quantité;Conditionnement;"
        "Prix unitaire (€);Montant (€)",
        "en": "Association;Town;Coordinator;Contact;Quantity;Pack;Unit price (€);Amount (€)",
    },
    "purchase_csv_total": {"fr": "Total", "en": "Total"},
    # --- end of issue 14 ---
    # --- Issue 13: the bilan (/bilan, handlers/bilan.py) and its chart ---
    "bilan_coordinators": {
        "fr": "Le bilan est réservé aux coordinateurs : demandez-le à un coordinateur de votre "
        "association (/membres les montre).",
        "en": "The bilan is for coordinators: ask a coordinator of your association for it "
        "(/membres shows them).",
    },
    "bilan_period_unknown": {
        "fr": "Je n'ai pas compris la période « {text} ». Écrivez /bilan (le mois dernier), "
        "/bilan semaine, /bilan mois, /bilan année, /bilan ce mois, /bilan novembre, ou des "
        "dates : /bilan 01/09/2026-30/11/2026",
        "en": 'I did not understand the period "{text}". Write /bilan (last month), /bilan '
        "week, /bilan month, /bilan year, /bilan this month, /bilan november, or dates: "
        "/bilan 01/09/2026-30/11/2026",
    },
    "bilan_period_one_date": {
        "fr": "Il faut deux dates, le début et la fin : /bilan 01/09/2026-30/11/2026 "
        "(« {text} » n'en a qu'une).",
        "en": "Two dates are needed, the first and the last: /bilan 01/09/2026-30/11/2026 "
        '("{text}" has one).',
    },
    "bilan_period_bad_date": {
        "fr": "« {text} » n'est pas une date. Écrivez jour/mois/année, par ex. "
        "/bilan 01/09/2026-30/11/2026",
        "en": '"{text}" is not a date. Write day/month/year, e.g. /bilan 01/09/2026-30/11/2026',
    },
    "bilan_period_reversed": {
        "fr": "La période finit ({last}) avant de commencer ({first}). Mettez le début en "
        "premier : /bilan {last}-{first}",
        "en": "The period ends ({last}) before it starts ({first}). Put the first day first: "
        "/bilan {last}-{first}",
    },
    "bilan_period_future": {
        "fr": "La période commence le {first}, après aujourd'hui : rien n'est encore compté. "
        "Pour le mois en cours : /bilan ce mois",
        "en": "The period starts on {first}, after today: nothing is counted yet. For the "
        "current month: /bilan this month",
    },
    "bilan_period_too_long": {
        "fr": "{days} jours, c'est trop long : 3 ans au plus. Par ex. /bilan année, ou "
        "/bilan 01/01/2025-31/12/2026",
        "en": "{days} days is too long: 3 years at most. E.g. /bilan year, or "
        "/bilan 01/01/2025-31/12/2026",
    },
    "bilan_period_month": {"fr": "{month} {year}", "en": "{month} {year}"},
    "bilan_period_week": {
        "fr": "semaine du {first} au {last}",
        "en": "week of {first} to {last}",
    },
    "bilan_period_year": {"fr": "{year}", "en": "{year}"},
    "bilan_period_range": {"fr": "du {first} au {last}", "en": "{first} to {last}"},
    "bilan_period_to_date": {"fr": "{label}, jusqu'au {last}", "en": "{label}, up to {last}"},
    "bilan_previous_week": {"fr": "semaine précédente", "en": "previous week"},
    "bilan_previous_month": {"fr": "mois précédent", "en": "previous month"},
    "bilan_previous_year": {"fr": "année précédente", "en": "previous year"},
    "bilan_previous_range": {"fr": "période précédente", "en": "previous period"},
    "bilan_title_network": {
        "fr": "📊 Bilan du réseau — {period}",
        "en": "📊 The network's bilan — {period}",
    },
    "bilan_title_association": {
        "fr": "📊 Bilan de {association} — {period}",
        "en": "📊 Bilan of {association} — {period}",
    },
    "bilan_compared": {
        "fr": "(entre parenthèses : {previous}, {label})",
        "en": "(in brackets: {previous}, {label})",
    },
    "bilan_moved": {
        "fr": "⚖️ Kilos échangés : {kilos} kg ({previous} : {kilos_before})",
        "en": "⚖️ Kilos exchanged: {kilos} kg ({previous}: {kilos_before})",
    },
    "bilan_transfers": {
        "fr": "🔄 Échanges entre associations : {transfers} ({transfers_before})",
        "en": "🔄 Exchanges between associations: {transfers} ({transfers_before})",
    },
    "bilan_given": {
        "fr": "📤 Donné : {kilos} kg ({previous} : {kilos_before}) · échanges : {transfers} "
        "({transfers_before})",
        "en": "📤 Given: {kilos} kg ({previous}: {kilos_before}) · exchanges: {transfers} "
        "({transfers_before})",
    },
    "bilan_received": {
        "fr": "📥 Reçu : {kilos} kg ({kilos_before}) · échanges : {transfers} ({transfers_before})",
        "en": "📥 Received: {kilos} kg ({kilos_before}) · exchanges: {transfers} "
        "({transfers_before})",
    },
    "bilan_category": {
        "fr": "{category} {kilos} kg ({before})",
        "en": "{category} {kilos} kg ({before})",
    },
    "bilan_other_categories": {"fr": "autres", "en": "others"},
    "bilan_units": {"fr": "unités {count} ({before})", "en": "items {count} ({before})"},
    "bilan_people": {"fr": "personnes {count} ({before})", "en": "people {count} ({before})"},
    "bilan_also": {"fr": "hors kg : {items}", "en": "not in kg: {items}"},
    "bilan_without_figure": {
        "fr": "échanges sans quantité (hors kg) : {count}",
        "en": "exchanges without a quantity (not in kg): {count}",
    },
    "bilan_note": {"fr": "ℹ️ Converti : {note}", "en": "ℹ️ Converted: {note}"},
    "bilan_needs": {
        "fr": "🙋 Besoins publiés : {posted} ({posted_before}) · comblés : {filled} "
        "({filled_before}) · en partie : {partly} ({partly_before})",
        "en": "🙋 Needs posted: {posted} ({posted_before}) · filled: {filled} ({filled_before}) "
        "· partly: {partly} ({partly_before})",
    },
    "bilan_urgent": {
        "fr": "🚨 Besoins urgents : {posted} ({posted_before}) · comblés : {filled} "
        "({filled_before}) · en partie : {partly} ({partly_before})",
        "en": "🚨 Urgent needs: {posted} ({posted_before}) · filled: {filled} ({filled_before}) "
        "· partly: {partly} ({partly_before})",
    },
    "bilan_first_claim": {
        "fr": "⏱️ Première réponse à un besoin, en médiane : {median} ({before})",
        "en": "⏱️ First answer to a need, median: {median} ({before})",
    },
    "bilan_first_claim_urgent": {
        "fr": " ; urgents : {median} ({before})",
        "en": "; urgent: {median} ({before})",
    },
    "bilan_no_median": {"fr": "—", "en": "—"},
    "bilan_offers": {
        "fr": "🎁 Dons publiés : {posted} ({posted_before}) · pris avant leur date : {taken} "
        "({taken_before}) · perdus : {lost} ({lost_before})",
        "en": "🎁 Offers posted: {posted} ({posted_before}) · taken before their date: {taken} "
        "({taken_before}) · lost: {lost} ({lost_before})",
    },
    "bilan_equipment_network": {
        "fr": "🚚 Prêts de matériel : {loans} ({loans_before}) · jours : {days} ({days_before})",
        "en": "🚚 Equipment loans: {loans} ({loans_before}) · days: {days} ({days_before})",
    },
    "bilan_volunteers_network": {
        "fr": "🙌 Renforts de bénévoles : {loans} ({loans_before}) · personnes : {people} "
        "({people_before})",
        "en": "🙌 Volunteers lent: {loans} ({loans_before}) · people: {people} ({people_before})",
    },
    "bilan_equipment_association": {
        "fr": "🚚 Matériel prêté : {lent} ({lent_before}) · jours : {days} ({days_before}) "
        "· emprunté : {borrowed} ({borrowed_before})",
        "en": "🚚 Equipment lent: {lent} ({lent_before}) · days: {days} ({days_before}) "
        "· borrowed: {borrowed} ({borrowed_before})",
    },
    "bilan_volunteers_association": {
        "fr": "🙌 Bénévoles envoyés : {lent} ({lent_before}) · reçus : {borrowed} "
        "({borrowed_before})",
        "en": "🙌 Volunteers sent: {lent} ({lent_before}) · received: {borrowed} "
        "({borrowed_before})",
    },
    "bilan_reach_network": {
        "fr": "🤝 Associations qui ont donné ou reçu : {count} ({before})",
        "en": "🤝 Associations that gave or received: {count} ({before})",
    },
    "bilan_reach_association": {
        "fr": "🤝 Associations partenaires : {count} ({before})",
        "en": "🤝 Partner associations: {count} ({before})",
    },
    "bilan_empty": {
        "fr": "Rien d'échangé sur cette période. Un échange compte quand l'annonce prise est "
        "marquée /fait.",
        "en": "Nothing exchanged in this period. An exchange counts once the post taken is "
        "marked /fait.",
    },
    "duration_minutes": {"fr": "{minutes} min", "en": "{minutes} min"},
    "duration_hours": {"fr": "{hours} h {minutes:02d}", "en": "{hours} h {minutes:02d}"},
    "duration_whole_hours": {"fr": "{hours} h", "en": "{hours} h"},
    "duration_days": {"fr": "{days} jours", "en": "{days} days"},
    "chart_title_network": {"fr": "Le réseau — {period}", "en": "The network — {period}"},
    "chart_title_association": {"fr": "{association} — {period}", "en": "{association} — {period}"},
    "chart_kilos_day": {"fr": "Kilos échangés par jour", "en": "Kilos exchanged per day"},
    "chart_kilos_week": {"fr": "Kilos échangés par semaine", "en": "Kilos exchanged per week"},
    "chart_kilos_month": {"fr": "Kilos échangés par mois", "en": "Kilos exchanged per month"},
    "chart_needs": {"fr": "Besoins publiés et comblés", "en": "Needs posted and filled"},
    "chart_posted": {"fr": "publiés", "en": "posted"},
    "chart_filled": {"fr": "comblés", "en": "filled"},
    "chart_partly": {"fr": "en partie", "en": "partly"},
    "chart_kilos_axis": {"fr": "kg", "en": "kg"},
    "chart_needs_axis": {"fr": "besoins", "en": "needs"},
    "chart_empty": {"fr": "Aucun échange sur la période", "en": "No exchange in this period"},
    "chart_note": {"fr": "Converti : {note}", "en": "Converted: {note}"},
    "help_bilan": {
        "fr": "Bilan : /bilan (le mois dernier), /bilan semaine, /bilan année, /bilan ce mois, "
        "/bilan 01/09/2026-30/11/2026 : les kilos échangés, les besoins comblés, avec un "
        "graphique.",
        "en": "Bilan: /bilan (last month), /bilan week, /bilan year, /bilan this month, "
        "/bilan 01/09/2026-30/11/2026: kilos exchanged, needs filled, with a chart.",
    },
    # --- end of issue 13's bilan ---
}

# --- Issue 14, the shared equipment calendar (handlers/resources.py, handlers/bookings.py) ----
# One block, merged into the catalogue below: `/ressource`, `/ressources`, `/reserver`,
# `/agenda`, `/rendu`, their reminders and the digest's late returns.
SHARED_EQUIPMENT: dict[str, dict[str, str]] = {
    # Rights (handlers/rights.py)
    "resource_coordinators": {
        "fr": "Seuls les coordinateurs enregistrent le matériel de leur association. Pour voir "
        "celui du réseau : /ressources.",
        "en": "Only coordinators register their association's equipment. To see the "
        "network's: /ressources.",
    },
    "resource_not_yours": {
        "fr": "La ressource n°{id} est à une autre association : seule elle peut la retirer.",
        "en": "Resource no. {id} belongs to another association: only it can withdraw it.",
    },
    "booking_decide_not_owner": {
        "fr": "Seuls les coordinateurs de l'association qui prête peuvent accepter ou refuser "
        "{ref}.",
        "en": "Only the lending association's coordinators can accept or decline {ref}.",
    },
    "booking_not_yours": {
        "fr": "{ref} ne concerne pas votre association (ni prêteuse ni emprunteuse).",
        "en": "{ref} does not concern your association (neither lender nor borrower).",
    },
    # /ressource: registering
    "resource_step_kind": {
        "fr": "1/5 · Quelle sorte de ressource prêtez-vous ? Choisissez (ou écrivez-la).",
        "en": "1/5 · What kind of resource do you lend? Choose (or write it).",
    },
    "resource_step_name": {
        "fr": "2/5 · Son nom, tel que les autres le liront (ex. Camion frigo Renault 12 m³) ?",
        "en": "2/5 · Its name, as others will read it (e.g. Camion frigo Renault 12 m³)?",
    },
    "resource_step_place": {
        "fr": "3/5 · Où est-elle ? Écrivez la commune (ex. Narbonne) ou le lieu en quelques mots.",
        "en": "3/5 · Where is it? Write the commune (e.g. Narbonne) or the place in a few words.",
    },
    "resource_step_conditions": {
        "fr": "4/5 · Des conditions ? (ex. permis B, à rendre propre et le plein fait)",
        "en": "4/5 · Any conditions? (e.g. driving licence, return it clean and refuelled)",
    },
    "resource_step_approval": {
        "fr": "5/5 · Les réservations des autres associations attendent-elles votre accord ?",
        "en": "5/5 · Do other associations' bookings wait for your approval?",
    },
    "resource_step_hint": {
        "fr": "« annuler » arrête là, rien n'est enregistré.",
        "en": '"annuler" stops here, nothing is saved.',
    },
    "resource_button_at_home": {"fr": "📍 Chez nous ({place})", "en": "📍 At ours ({place})"},
    "resource_button_no_conditions": {"fr": "Aucune", "en": "None"},
    "resource_button_approval": {
        "fr": "✅ Oui, avec notre accord",
        "en": "✅ Yes, with our approval",
    },
    "resource_button_direct": {
        "fr": "⚡ Non, réservation directe",
        "en": "⚡ No, booked directly",
    },
    "resource_kind_not_read": {
        "fr": "Je ne reconnais pas « {word} ». Choisissez une des sortes ci-dessous.",
        "en": 'I do not recognise "{word}". Choose one of the kinds below.',
    },
    "resource_guided_stopped": {
        "fr": "D'accord, rien n'est enregistré. /ressource pour recommencer.",
        "en": "OK, nothing is saved. /ressource to start again.",
    },
    "resource_nothing_guided": {
        "fr": "Aucune question en cours. /ressource pour enregistrer du matériel.",
        "en": "No question waiting. /ressource to register equipment.",
    },
    "resource_name_missing": {
        "fr": "Il manque le nom. Exemple : /ressource Camion frigo Renault 12 m³ ; Narbonne ; "
        "permis B ; accord — ou /ressource seul pour être guidé·e.",
        "en": "The name is missing. Example: /ressource Camion frigo Renault 12 m³ ; Narbonne ; "
        "permis B ; accord — or /ressource alone to be guided.",
    },
    "resource_kind_unknown": {
        "fr": "Je ne sais pas de quelle sorte est « {name} ». Mettez-la devant, par ex. "
        "/ressource véhicule ; {name} ; … (sortes : véhicule frigo, véhicule, stockage froid, "
        "stockage, conserverie, manutention, bénévoles) — ou /ressource seul pour être "
        "guidé·e.",
        "en": 'I cannot tell what kind "{name}" is. Put it first, e.g. /ressource véhicule ; '
        "{name} ; … (kinds: véhicule frigo, véhicule, stockage froid, stockage, conserverie, "
        "manutention, bénévoles) — or /ressource alone to be guided.",
    },
    "resource_approval_unknown": {
        "fr": "« {word} » : répondez « accord » (les réservations attendent votre accord) ou "
        "« libre » (réservées directement).",
        "en": '"{word}": answer "accord" (bookings wait for your approval) or "libre" (booked '
        "directly).",
    },
    "resource_too_many_fields": {
        "fr": "Trop de « ; ». Forme : /ressource NOM ; LIEU ; CONDITIONS ; accord|libre "
        "(pas de « ; » dans les conditions : des virgules).",
        "en": 'Too many ";". Form: /ressource NAME ; PLACE ; CONDITIONS ; accord|libre (commas, '
        'not ";", inside the conditions).',
    },
    "resource_registered": {
        "fr": "✅ Ressource n°{id} enregistrée : {name}",
        "en": "✅ Resource no. {id} registered: {name}",
    },
    "resource_card_kind": {"fr": "Sorte : {kind}", "en": "Kind: {kind}"},
    "resource_card_place": {"fr": "Où : {place}", "en": "Where: {place}"},
    "resource_card_conditions": {
        "fr": "Conditions : {conditions}",
        "en": "Conditions: {conditions}",
    },
    "resource_no_conditions": {"fr": "aucune", "en": "none"},
    "resource_card_approval_on": {
        "fr": "Chaque réservation d'une autre association attend votre accord.",
        "en": "Each booking by another association waits for your approval.",
    },
    "resource_card_approval_off": {
        "fr": "Les autres associations la réservent directement.",
        "en": "Other associations book it directly.",
    },
    "resource_card_how_to_book": {
        "fr": "Pour la réserver : /reserver {id} jeudi 8h-14h · son agenda : /agenda {id}",
        "en": "To book it: /reserver {id} jeudi 8h-14h · its agenda: /agenda {id}",
    },
    "resource_place_association": {"fr": "à l'association", "en": "at the association"},
    "resource_withdraw_usage": {
        "fr": "Précisez le numéro : /ressource retirer 3 (les numéros : /ressources).",
        "en": "Give the number: /ressource retirer 3 (the numbers: /ressources).",
    },
    "resource_unknown": {
        "fr": "Pas de ressource n°{id} à réserver. Le matériel du réseau : /ressources.",
        "en": "No resource no. {id} to book. The network's equipment: /ressources.",
    },
    "resource_withdraw_booked": {
        "fr": "La ressource n°{id} a des réservations à venir : annulez-les d'abord (/agenda "
        "{id}, puis /reserver annuler R…).",
        "en": "Resource no. {id} has coming bookings: cancel them first (/agenda {id}, then "
        "/reserver annuler R…).",
    },
    "resource_withdrawn": {
        "fr": "Ressource n°{id} ({name}) retirée : elle n'est plus proposée.",
        "en": "Resource no. {id} ({name}) withdrawn: it is no longer offered.",
    },
    # /ressources: the list
    "resource_line": {
        "fr": "n°{id} · {emoji} {kind} · {name} — {place} ({association}) · {approval}",
        "en": "no. {id} · {emoji} {kind} · {name} — {place} ({association}) · {approval}",
    },
    "resource_on_approval": {"fr": "sur accord", "en": "on approval"},
    "resource_direct": {"fr": "réservation directe", "en": "booked directly"},
    "resources_title": {
        "fr": "Matériel partagé à {km} km ou moins ({count})",
        "en": "Shared equipment within {km} km ({count})",
    },
    "resources_title_latest": {
        "fr": "Matériel partagé du réseau (les derniers)",
        "en": "The network's shared equipment (the latest)",
    },
    "resources_more": {
        "fr": "… et {count} de plus : précisez la sorte (/ressources véhicule frigo) ou la "
        "distance (/ressources 20km).",
        "en": "… and {count} more: give the kind (/ressources véhicule frigo) or the distance "
        "(/ressources 20km).",
    },
    "resources_footer": {
        "fr": "Réserver : /reserver N jeudi 8h-14h · voir ses réservations : /agenda N",
        "en": "Book: /reserver N jeudi 8h-14h · see its bookings: /agenda N",
    },
    "resources_none": {
        "fr": "Aucun matériel partagé pour l'instant. Un coordinateur en enregistre avec "
        "/ressource.",
        "en": "No shared equipment yet. A coordinator registers some with /ressource.",
    },
    "resources_none_near": {
        "fr": "Aucun matériel partagé à {km} km ou moins. Plus loin : /ressources {wider}km",
        "en": "No shared equipment within {km} km. Further: /ressources {wider}km",
    },
    "resources_place_unknown": {
        "fr": "Pour les voir par distance, indiquez où est votre association : /profil commune "
        "NOM.",
        "en": "To see them by distance, say where your association is: /profil commune NAME.",
    },
    "resources_usage": {
        "fr": "Exemples : /ressources · /ressources véhicule frigo · /ressources 20km (1 à 500 "
        "km).",
        "en": "Examples: /ressources · /ressources véhicule frigo · /ressources 20km (1 to 500 "
        "km).",
    },
    # /reserver: when
    "booking_span_hours": {"fr": "{day}, {start}-{end}", "en": "{day}, {start}-{end}"},
    "booking_span_day": {"fr": "{day} (journée)", "en": "{day} (all day)"},
    "booking_span_days": {"fr": "du {first} au {last}", "en": "from {first} to {last}"},
    "booking_span_across": {
        "fr": "du {first} {start} au {last} {end}",
        "en": "from {first} {start} to {last} {end}",
    },
    "booking_midnight": {"fr": "minuit", "en": "midnight"},
    "when_missing": {
        "fr": "Quand ? Exemples : /reserver {id} jeudi 8h-14h · /reserver {id} le 12/12 de 8h "
        "à 14h · /reserver {id} demain matin · /reserver {id} vendredi (la journée).",
        "en": "When? Examples: /reserver {id} jeudi 8h-14h · /reserver {id} le 12/12 de 8h à "
        "14h · /reserver {id} demain matin · /reserver {id} vendredi (all day).",
    },
    "when_end_missing": {
        "fr": "Jusqu'à quelle heure ? Exemple : /reserver {id} jeudi 8h-14h.",
        "en": "Until what time? Example: /reserver {id} jeudi 8h-14h.",
    },
    "when_too_many_hours": {
        "fr": "Une heure de début et une de fin, pas plus. Exemple : /reserver {id} jeudi 8h-14h.",
        "en": "One start time and one end time. Example: /reserver {id} jeudi 8h-14h.",
    },
    "when_date_invalid": {
        "fr": "Cette date n'existe pas. Exemple : /reserver {id} le 12/12 de 8h à 14h.",
        "en": "That date does not exist. Example: /reserver {id} le 12/12 de 8h à 14h.",
    },
    "when_end_before_start": {
        "fr": "La fin est avant le début. Exemple : /reserver {id} du lundi au mercredi.",
        "en": "The end is before the start. Example: /reserver {id} du lundi au mercredi.",
    },
    "booking_past": {
        "fr": "Ce créneau est déjà passé. Exemple : /reserver {id} demain 8h-14h.",
        "en": "That time is already past. Example: /reserver {id} demain 8h-14h.",
    },
    "booking_too_long": {
        "fr": "{days} jours au plus par réservation : réservez en plusieurs fois.",
        "en": "At most {days} days per booking: book it in several goes.",
    },
    "booking_too_far": {
        "fr": "On réserve au plus un an à l'avance.",
        "en": "Bookings go at most a year ahead.",
    },
    "booking_usage": {
        "fr": "Exemples : /reserver 3 jeudi 8h-14h · /reserver annuler R12 (le matériel et ses "
        "numéros : /ressources).",
        "en": "Examples: /reserver 3 jeudi 8h-14h · /reserver annuler R12 (the equipment and "
        "its numbers: /ressources).",
    },
    "booking_cancel_usage": {
        "fr": "Précisez la réservation : /reserver annuler R12 (vos réservations : /agenda).",
        "en": "Give the booking: /reserver annuler R12 (your bookings: /agenda).",
    },
    "booking_decide_usage": {
        "fr": "Précisez la réservation : /reserver accepter R12 ou /reserver refuser R12.",
        "en": "Give the booking: /reserver accepter R12 or /reserver refuser R12.",
    },
    "booking_unknown": {
        "fr": "Pas de réservation {ref}. Vos réservations : /agenda.",
        "en": "No booking {ref}. Your bookings: /agenda.",
    },
    # /reserver: booked, asked, refused
    "booking_confirmed": {
        "fr": "✅ Réservé : {resource} (n°{rid}, {owner}), {span}. Réservation {ref}.\n"
        "{conditions}\n{contact}\nRappel la veille à 18h. Annuler : /reserver annuler {ref} · au "
        "retour : /rendu {ref}",
        "en": "✅ Booked: {resource} (no. {rid}, {owner}), {span}. Booking {ref}.\n"
        "{conditions}\n{contact}\nReminder the day before at 6 pm. Cancel: /reserver annuler "
        "{ref} · when returned: /rendu {ref}",
    },
    "booking_conditions": {"fr": "Conditions : {conditions}", "en": "Conditions: {conditions}"},
    "booking_contact": {"fr": "Contact : {contact}", "en": "Contact: {contact}"},
    "booking_made_owner": {
        "fr": "📅 {borrower} a réservé {resource} (n°{rid}) : {span} ({ref}).\nContact : "
        "{contact}\nL'agenda : /agenda {rid}",
        "en": "📅 {borrower} booked {resource} (no. {rid}): {span} ({ref}).\nContact: "
        "{contact}\nThe agenda: /agenda {rid}",
    },
    "booking_requested": {
        "fr": "⏳ Demande envoyée à {owner} : {resource} (n°{rid}), {span} ({ref}). Ce créneau "
        "vous est gardé en attendant ; leur réponse arrivera ici.",
        "en": "⏳ Request sent to {owner}: {resource} (no. {rid}), {span} ({ref}). The slot is "
        "kept for you meanwhile; their answer will come here.",
    },
    "booking_no_coordinator": {
        "fr": "Attention : {owner} n'a pas de coordinateur joignable pour l'instant.",
        "en": "Note: {owner} has no reachable coordinator right now.",
    },
    "booking_request_title": {"fr": "Demande de réservation", "en": "Booking request"},
    "booking_request_owner": {
        "fr": "{borrower} ({name}) demande {resource} (n°{rid}) : {span} ({ref}).\nContact : "
        "{contact}",
        "en": "{borrower} ({name}) asks for {resource} (no. {rid}): {span} ({ref}).\nContact: "
        "{contact}",
    },
    "booking_button_accept": {"fr": "✅ Accepter", "en": "✅ Accept"},
    "booking_button_decline": {"fr": "❌ Refuser", "en": "❌ Decline"},
    "booking_taken": {
        "fr": "⛔ {resource} (n°{rid}) est déjà réservé sur ce créneau : {span} ({ref}, "
        "{borrower}).",
        "en": "⛔ {resource} (no. {rid}) is already booked then: {span} ({ref}, {borrower}).",
    },
    "booking_free_slots": {
        "fr": "Prochains créneaux libres (touchez pour réserver) :",
        "en": "Next free slots (tap to book):",
    },
    "booking_no_free_slot": {
        "fr": "Aucun créneau libre aussi long dans les 4 semaines. Son agenda : /agenda {id} · "
        "autre matériel : /ressources",
        "en": "No free slot that long within 4 weeks. Its agenda: /agenda {id} · other "
        "equipment: /ressources",
    },
    # Answering, cancelling
    "booking_status_requested": {"fr": "en attente de réponse", "en": "waiting for an answer"},
    "booking_status_confirmed": {"fr": "confirmée", "en": "confirmed"},
    "booking_status_declined": {"fr": "refusée", "en": "declined"},
    "booking_status_cancelled": {"fr": "annulée", "en": "cancelled"},
    "booking_status_returned": {"fr": "rendue", "en": "returned"},
    "booking_already_answered": {
        "fr": "{ref} n'attend plus de réponse : elle est {status}.",
        "en": "{ref} no longer waits for an answer: it is {status}.",
    },
    "booking_accept_done": {
        "fr": "✅ {ref} acceptée ({resource}, {span}) : {borrower} est prévenue.",
        "en": "✅ {ref} accepted ({resource}, {span}): {borrower} is told.",
    },
    "booking_decline_done": {
        "fr": "❌ {ref} refusée ({resource}, {span}) : {borrower} est prévenue.",
        "en": "❌ {ref} declined ({resource}, {span}): {borrower} is told.",
    },
    "booking_accepted_borrower": {
        "fr": "✅ {owner} a accepté votre réservation {ref} : {resource}, {span}.\n{conditions}\n"
        "Contact : {contact}\nRappel la veille à 18h. Au retour : /rendu {ref}",
        "en": "✅ {owner} accepted your booking {ref}: {resource}, {span}.\n{conditions}\n"
        "Contact: {contact}\nReminder the day before at 6 pm. When returned: /rendu {ref}",
    },
    "booking_declined_borrower": {
        "fr": "❌ {owner} n'a pas accepté {ref} ({resource}, {span}). Son agenda : /agenda "
        "{rid} · autre matériel : /ressources",
        "en": "❌ {owner} declined {ref} ({resource}, {span}). Its agenda: /agenda {rid} · "
        "other equipment: /ressources",
    },
    "booking_outcome_accepted": {
        "fr": "{ref} ({resource}, {borrower}, {span}) : acceptée par {name}.",
        "en": "{ref} ({resource}, {borrower}, {span}): accepted by {name}.",
    },
    "booking_outcome_declined": {
        "fr": "{ref} ({resource}, {borrower}, {span}) : refusée par {name}.",
        "en": "{ref} ({resource}, {borrower}, {span}): declined by {name}.",
    },
    "booking_not_live": {
        "fr": "{ref} n'est plus en cours : elle est {status}.",
        "en": "{ref} is no longer live: it is {status}.",
    },
    "booking_cancel_started": {
        "fr": "{ref} a déjà commencé : quand le matériel est rendu, /rendu {ref}.",
        "en": "{ref} has already started: once the equipment is back, /rendu {ref}.",
    },
    "booking_cancel_done": {
        "fr": "{ref} annulée ({resource}, {span}) : le créneau est libre.",
        "en": "{ref} cancelled ({resource}, {span}): the slot is free.",
    },
    "booking_cancelled_other": {
        "fr": "🚫 {ref} annulée par {name} ({association}) : {resource}, {span}.",
        "en": "🚫 {ref} cancelled by {name} ({association}): {resource}, {span}.",
    },
    # /rendu
    "return_usage": {
        "fr": "Précisez la réservation : /rendu R12, ou /rendu R12 hayon abîmé (la note va au "
        "prêteur). Vos réservations : /agenda.",
        "en": "Give the booking: /rendu R12, or /rendu R12 tail lift damaged (the note goes to "
        "the lender). Your bookings: /agenda.",
    },
    "return_already": {"fr": "{ref} est déjà rendue.", "en": "{ref} is already returned."},
    "return_not_started": {
        "fr": "{ref} n'a pas commencé. Pour l'annuler : /reserver annuler {ref}.",
        "en": "{ref} has not started. To cancel it: /reserver annuler {ref}.",
    },
    "return_done": {
        "fr": "👍 Retour de {resource} enregistré ({ref}). Merci ! {owner} est prévenue.",
        "en": "👍 Return of {resource} recorded ({ref}). Thank you! {owner} is told.",
    },
    "return_done_incident": {
        "fr": "👍 Retour de {resource} enregistré ({ref}), avec votre note : {owner} la reçoit.",
        "en": "👍 Return of {resource} recorded ({ref}), with your note: {owner} gets it.",
    },
    "return_owner": {
        "fr": "↩️ {resource} est rendu ({ref}, {borrower}) : signalé par {name}.",
        "en": "↩️ {resource} is back ({ref}, {borrower}): reported by {name}.",
    },
    "return_owner_incident": {
        "fr": "↩️ {resource} est rendu ({ref}, {borrower}) : signalé par {name}.\n⚠️ Incident : "
        "{incident}",
        "en": "↩️ {resource} is back ({ref}, {borrower}): reported by {name}.\n⚠️ Incident: "
        "{incident}",
    },
    "return_borrower": {
        "fr": "↩️ {owner} a enregistré le retour de {resource} ({ref}). Merci !",
        "en": "↩️ {owner} recorded the return of {resource} ({ref}). Thank you!",
    },
    # /agenda
    "agenda_title": {"fr": "Agenda — {association}", "en": "Agenda — {association}"},
    "agenda_resource_title": {
        "fr": "Agenda — n°{rid} {resource} ({owner})",
        "en": "Agenda — no. {rid} {resource} ({owner})",
    },
    "agenda_line": {
        "fr": "{ref} · {span} · {resource} {arrow} {association}",
        "en": "{ref} · {span} · {resource} {arrow} {association}",
    },
    "agenda_line_own": {
        "fr": "{ref} · {span} · {resource} (chez vous)",
        "en": "{ref} · {span} · {resource} (yours)",
    },
    "agenda_resource_line": {
        "fr": "{ref} · {span} · {association}",
        "en": "{ref} · {span} · {association}",
    },
    "agenda_to_answer": {
        "fr": "⏳ à accepter : /reserver accepter {ref} ou refuser {ref}",
        "en": "⏳ to answer: /reserver accepter {ref} or refuser {ref}",
    },
    "agenda_waiting": {"fr": "⏳ attend leur accord", "en": "⏳ waits for their approval"},
    "agenda_requested": {"fr": "⏳ demandée", "en": "⏳ requested"},
    "agenda_not_returned": {
        "fr": "⚠️ pas encore rendu : /rendu {ref}",
        "en": "⚠️ not returned yet: /rendu {ref}",
    },
    "agenda_resource_empty": {
        "fr": "Aucune réservation à venir : tout est libre.",
        "en": "No coming booking: it is all free.",
    },
    "agenda_how_to_book": {
        "fr": "Réserver : /reserver {id} jeudi 8h-14h",
        "en": "Book: /reserver {id} jeudi 8h-14h",
    },
    "agenda_empty": {
        "fr": "Aucune réservation à venir pour votre association.",
        "en": "No coming booking for your association.",
    },
    "agenda_footer": {
        "fr": "→ prêté par vous · ← emprunté par vous. Le matériel du réseau : /ressources",
        "en": "→ lent by you · ← borrowed by you. The network's equipment: /ressources",
    },
    "agenda_usage": {
        "fr": "/agenda pour votre association, /agenda 3 pour la ressource n°3.",
        "en": "/agenda for your association, /agenda 3 for resource no. 3.",
    },
    # The scheduler
    "reminder_booking_eve_borrower": {
        "fr": "📅 Rappel, demain : {resource} de {owner}, {span} ({ref}), à {place}.\n"
        "{conditions}\nContact : {contact}",
        "en": "📅 Reminder, tomorrow: {resource} from {owner}, {span} ({ref}), at {place}.\n"
        "{conditions}\nContact: {contact}",
    },
    "reminder_booking_eve_owner": {
        "fr": "📅 Rappel, demain : {borrower} emprunte {resource}, {span} ({ref}).\nContact : "
        "{contact}",
        "en": "📅 Reminder, tomorrow: {borrower} borrows {resource}, {span} ({ref}).\nContact: "
        "{contact}",
    },
    "reminder_booking_return": {
        "fr": "⏰ C'est l'heure de rendre {resource} à {owner} ({ref}, {span}). Une fois rendu : "
        "/rendu {ref} (ajoutez une note en cas de souci).",
        "en": "⏰ Time to return {resource} to {owner} ({ref}, {span}). Once returned: /rendu "
        "{ref} (add a note if anything went wrong).",
    },
    "reminder_booking_late": {
        "fr": "⚠️ {resource}, prêté à {borrower} jusqu'à {end}, n'est pas signalé rendu ({ref})."
        "\nContact : {contact}\nS'il est revenu : /rendu {ref}",
        "en": "⚠️ {resource}, lent to {borrower} until {end}, is not reported back ({ref}).\n"
        "Contact: {contact}\nIf it is back: /rendu {ref}",
    },
    "booking_unanswered_borrower": {
        "fr": "⌛ {owner} n'a pas répondu à temps : {ref} ({resource}, {span}) n'est pas "
        "réservée. Autre matériel : /ressources",
        "en": "⌛ {owner} did not answer in time: {ref} ({resource}, {span}) is not booked. "
        "Other equipment: /ressources",
    },
    "booking_unanswered_owner": {
        "fr": "⌛ La demande {ref} de {borrower} ({resource}, {span}) est restée sans réponse : "
        "elle n'est plus gardée.",
        "en": "⌛ {borrower}'s request {ref} ({resource}, {span}) was left unanswered: it is no "
        "longer kept.",
    },
    # The daily digest (handlers/digests.py)
    "digest_section_late_returns": {
        "fr": "⚠️ Votre matériel pas encore rendu",
        "en": "⚠️ Your equipment not returned yet",
    },
    "digest_late_return": {
        "fr": "{ref} {resource}, prêté à {borrower} : {overdue} de retard → /rendu {ref}",
        "en": "{ref} {resource}, lent to {borrower}: {overdue} late → /rendu {ref}",
    },
    "digest_overdue_hours": {"fr": "{hours} h", "en": "{hours} h"},
    "digest_overdue_days": {"fr": "{days} j", "en": "{days} days"},
    # /aide
    "help_equipment": {
        "fr": "Matériel partagé : /ressources (camions frigo, chambres froides… près de chez "
        "vous) · /agenda 3 : ses réservations · /rendu R12 au retour.",
        "en": "Shared equipment: /ressources (cold vans, cold rooms… near you) · /agenda 3: its "
        "bookings · /rendu R12 when it is back.",
    },
    "help_equipment_coordinator": {
        "fr": "Matériel : /ressource pour prêter le vôtre ; /reserver 3 jeudi 8h-14h pour en "
        "emprunter (/reserver annuler R12) ; /agenda pour celui de votre association.",
        "en": "Equipment: /ressource to lend yours; /reserver 3 jeudi 8h-14h to borrow some "
        "(/reserver annuler R12); /agenda for your association's.",
    },
}
CATALOGUE.update(SHARED_EQUIPMENT)


# --- Issue 13, part 4: the monthly report (/rapport, boucle rapport; handlers/report.py), the
# loans of the equipment calendar and the group purchases in the figures (issue 14, item 4),
# and /export's period read by handlers/periods.py. One block, merged into the catalogue. ---
REPORT: dict[str, dict[str, str]] = {
    # /bilan: the group purchases reached (shown when there are some, now or before).
    "bilan_purchases_network": {
        "fr": "🛒 Achats groupés aboutis : {count} ({before}) · montant : {amount} € "
        "({amount_before})",
        "en": "🛒 Group purchases reached: {count} ({before}) · amount: {amount} € "
        "({amount_before})",
    },
    "bilan_purchases_association": {
        "fr": "🛒 Achats groupés aboutis avec vous : {count} ({before}) · votre part : "
        "{amount} € ({amount_before})",
        "en": "🛒 Group purchases reached with you: {count} ({before}) · your share: "
        "{amount} € ({amount_before})",
    },
    # /export: a period that starts after today.
    "export_period_future": {
        "fr": "La période commence le {first}, après aujourd'hui : aucun transfert encore. "
        "Par ex. /export mois (le mois dernier).",
        "en": "The period starts on {first}, after today: no transfer yet. E.g. /export mois "
        "(last month).",
    },
    # The export's « Synthèse » sheet: the loans (claims on /materiel posts and bookings).
    "export_loans_title": {
        "fr": "Prêts (annonces /materiel et calendrier partagé)",
        "en": "Loans (/materiel posts and the shared calendar)",
    },
    "export_loans_count": {"fr": "Prêts", "en": "Loans"},
    "export_loans_days": {"fr": "Jours", "en": "Days"},
    "export_loans_equipment_network": {"fr": "Matériel", "en": "Equipment"},
    "export_loans_volunteers_network": {"fr": "Bénévoles", "en": "Volunteers"},
    "export_loans_equipment_given": {"fr": "Matériel prêté", "en": "Equipment lent"},
    "export_loans_equipment_received": {"fr": "Matériel emprunté", "en": "Equipment borrowed"},
    "export_loans_volunteers_given": {"fr": "Bénévoles envoyés", "en": "Volunteers sent"},
    "export_loans_volunteers_received": {"fr": "Bénévoles reçus", "en": "Volunteers received"},
    "export_loans_rule": {
        "fr": "Prêts commencés dans la période, entre deux associations : annonces /materiel "
        "prises et réservations du calendrier (/reserver). Jours : ceux des prêts rendus, et "
        "les jours réservés.",
        "en": "Loans started in the period, between two associations: /materiel posts taken "
        "and bookings of the calendar (/reserver). Days: those of the loans given back, and "
        "the days booked.",
    },
    # /rapport in the chat.
    "report_coordinators": {
        "fr": "Le rapport est réservé aux coordinateurs : demandez-le à un coordinateur de "
        "votre association (/membres les montre).",
        "en": "The report is for coordinators: ask a coordinator of your association for it "
        "(/membres shows them).",
    },
    "report_caption": {
        "fr": "📄 Rapport de {period} — {who} : les chiffres clés, le graphique et les "
        "échanges principaux, à joindre à un dossier de financement.",
        "en": "📄 Report of {period} — {who}: the key figures, the chart and the main "
        "exchanges, for a grant report.",
    },
    "report_who_network": {"fr": "le réseau", "en": "the network"},
    "report_period_unknown": {
        "fr": "Je n'ai pas compris la période « {text} ». Écrivez /rapport (le mois dernier), "
        "/rapport novembre, /rapport 2026-11 ou /rapport année.",
        "en": 'I did not understand the period "{text}". Write /rapport (last month), '
        "/rapport november, /rapport 2026-11 or /rapport year.",
    },
    "report_period_one_date": {
        "fr": "Il faut deux dates, le début et la fin : /rapport 01/09/2026-30/11/2026 "
        "(« {text} » n'en a qu'une). Pour un mois : /rapport novembre.",
        "en": "Two dates are needed, the first and the last: /rapport 01/09/2026-30/11/2026 "
        '("{text}" has one). For a month: /rapport november.',
    },
    "report_period_bad_date": {
        "fr": "« {text} » n'est pas une date ni un mois. Par ex. /rapport 2026-11 ou "
        "/rapport novembre.",
        "en": '"{text}" is neither a date nor a month. E.g. /rapport 2026-11 or /rapport november.',
    },
    "report_period_reversed": {
        "fr": "La période finit ({last}) avant de commencer ({first}). Mettez le début en "
        "premier : /rapport {last}-{first}",
        "en": "The period ends ({last}) before it starts ({first}). Put the first day first: "
        "/rapport {last}-{first}",
    },
    "report_period_future": {
        "fr": "La période commence le {first}, après aujourd'hui : rien n'est encore compté. "
        "Le mois dernier : /rapport",
        "en": "The period starts on {first}, after today: nothing is counted yet. Last "
        "month: /rapport",
    },
    "report_period_too_long": {
        "fr": "{days} jours, c'est trop long : 3 ans au plus. Par ex. /rapport année.",
        "en": "{days} days is too long: 3 years at most. E.g. /rapport year.",
    },
    "help_rapport": {
        "fr": "Rapport : /rapport (le mois dernier), /rapport novembre : les chiffres en PDF, "
        "pour vos financeurs.",
        "en": "Report: /rapport (last month), /rapport november: the figures as a PDF, for "
        "your funders.",
    },
    # The PDF (in French whoever asks, like the exports: it goes into French grant reports).
    "report_kind": {
        "fr": "Rapport d'activité · coopération entre associations d'aide alimentaire",
        "en": "Activity report · cooperation between food-aid associations",
    },
    "report_title_network": {"fr": "Le réseau — {period}", "en": "The network — {period}"},
    "report_title_association": {
        "fr": "{association} — {period}",
        "en": "{association} — {period}",
    },
    "report_intro": {
        "fr": "Ce que la coopération entre associations a permis. Chaque chiffre est à côté "
        "de celui du {previous} ({label}).",
        "en": "What the cooperation between associations made possible. Each figure is next "
        "to the {previous}'s ({label}).",
    },
    "report_key_figures": {"fr": "Les chiffres clés", "en": "Key figures"},
    "report_kilos_network": {
        "fr": "Kilos échangés entre associations",
        "en": "Kilos exchanged between associations",
    },
    "report_kilos_given": {"fr": "Kilos donnés", "en": "Kilos given"},
    "report_kilos_received": {"fr": "Kilos reçus", "en": "Kilos received"},
    "report_category": {"fr": "dont {category}", "en": "of which {category}"},
    "report_units": {"fr": "hors kg : unités", "en": "not in kg: items"},
    "report_people": {"fr": "hors kg : personnes", "en": "not in kg: people"},
    "report_without_figure": {
        "fr": "échanges sans quantité",
        "en": "exchanges without a quantity",
    },
    "report_transfers_network": {
        "fr": "Échanges entre associations",
        "en": "Exchanges between associations",
    },
    "report_transfers": {"fr": "nombre d'échanges", "en": "number of exchanges"},
    "report_needs": {"fr": "Besoins publiés", "en": "Needs posted"},
    "report_urgent": {"fr": "Besoins urgents publiés", "en": "Urgent needs posted"},
    "report_filled": {"fr": "comblés", "en": "filled"},
    "report_partly": {"fr": "comblés en partie", "en": "partly filled"},
    "report_first_claim": {
        "fr": "Première réponse à un besoin (médiane)",
        "en": "First answer to a need (median)",
    },
    "report_first_claim_urgent": {"fr": "besoins urgents", "en": "urgent needs"},
    "report_offers": {"fr": "Dons publiés", "en": "Offers posted"},
    "report_taken": {"fr": "pris avant leur date", "en": "taken before their date"},
    "report_lost": {"fr": "perdus (sans preneur)", "en": "lost (nobody took them)"},
    "report_equipment_network": {"fr": "Prêts de matériel", "en": "Equipment loans"},
    "report_equipment_given": {"fr": "Matériel prêté", "en": "Equipment lent"},
    "report_equipment_received": {"fr": "Matériel emprunté", "en": "Equipment borrowed"},
    "report_volunteers_network": {"fr": "Renforts de bénévoles", "en": "Volunteers lent"},
    "report_volunteers_given": {"fr": "Bénévoles envoyés", "en": "Volunteers sent"},
    "report_volunteers_received": {"fr": "Bénévoles reçus", "en": "Volunteers received"},
    "report_days": {"fr": "jours de prêt", "en": "days of loan"},
    "report_people_lent": {"fr": "personnes", "en": "people"},
    "report_purchases_network": {
        "fr": "Achats groupés aboutis",
        "en": "Group purchases reached",
    },
    "report_purchases_association": {
        "fr": "Achats groupés aboutis (avec l'association)",
        "en": "Group purchases reached (with the association)",
    },
    "report_amount": {"fr": "montant", "en": "amount"},
    "report_amount_association": {"fr": "sa part", "en": "its share"},
    "report_euros": {"fr": "{amount} €", "en": "{amount} €"},
    "report_kilos": {"fr": "{kilos} kg", "en": "{kilos} kg"},
    "report_reach_network": {
        "fr": "Associations qui ont donné, reçu ou prêté",
        "en": "Associations that gave, received or lent",
    },
    "report_reach_association": {"fr": "Associations partenaires", "en": "Partner associations"},
    "report_note": {
        "fr": "* Kilos : {note} (équivalents du réseau).",
        "en": "* Kilos: {note} (the network's equivalents).",
    },
    "report_top_title": {"fr": "Les échanges principaux", "en": "The main exchanges"},
    "report_top_intro": {
        "fr": "Les liens les plus forts de la période : ce qu'une association a donné à une "
        "autre, en kilos (équivalent) et en nombre d'échanges.",
        "en": "The strongest links of the period: what one association gave another, in "
        "kilos (equivalent) and in number of exchanges.",
    },
    "report_top_giver": {"fr": "De", "en": "From"},
    "report_top_receiver": {"fr": "À", "en": "To"},
    "report_top_transfers": {"fr": "Échanges", "en": "Exchanges"},
    "report_top_kilos": {"fr": "Kilos", "en": "Kilos"},
    "report_top_main": {"fr": "Surtout", "en": "Mostly"},
    "report_top_none": {
        "fr": "Aucun échange entre associations sur la période.",
        "en": "No exchange between associations in this period.",
    },
    "report_top_more": {
        "fr": "… et {count} autre(s) lien(s) entre associations.",
        "en": "… and {count} other link(s) between associations.",
    },
    "report_units_short": {"fr": "{count} unités", "en": "{count} items"},
    "report_chart_title": {"fr": "En un coup d'œil", "en": "At a glance"},
    "report_definitions_title": {
        "fr": "Comment les chiffres sont comptés",
        "en": "How the figures are counted",
    },
    "report_definitions": {
        "fr": "• Un échange : une annonce prise par une autre association et marquée faite "
        "(/fait), à la date où elle l'a été ; son dernier chiffre compte (une correction "
        "remplace le premier). Annonces et prises annulées ne comptent pas ; rien n'est compté "
        "deux fois.\n"
        "• Kilos : les cartons, cagettes, palettes, colis, repas et litres sont convertis par "
        "les équivalents du réseau, rappelés sous les chiffres ; unités et personnes sont "
        "comptées à part.\n"
        "• Besoins : publiés dans la période ; comblés quand les prises couvrent la quantité "
        "demandée. Dons : pris avant leur date, ou perdus.\n"
        "• Prêts : matériel et bénévoles prêtés par une association à une autre (annonces "
        "/materiel et réservations du calendrier partagé), commencés dans la période.",
        "en": "• An exchange: a post taken by another association and marked done (/fait), "
        "on the day it was; its latest figure counts (a correction replaces the first). "
        "Withdrawn posts and claims do not count; nothing is counted twice.\n"
        "• Kilos: cartons, cagettes, pallets, parcels, meals and litres are converted by the "
        "network's equivalents, recalled under the figures; items and people are counted "
        "apart.\n"
        "• Needs: posted in the period; filled when the claims cover the quantity asked. "
        "Offers: taken before their date, or lost.\n"
        "• Loans: equipment and volunteers lent by one association to another (/materiel "
        "posts and bookings of the shared calendar), started in the period.",
    },
    "report_footer": {
        "fr": "Généré par Boucle le {date} à {time} · Définitions : README de Boucle, "
        "« Le bilan » · page {page}/{pages}",
        "en": "Generated by Boucle on {date} at {time} · Definitions: Boucle's README, "
        "« Le bilan » · page {page}/{pages}",
    },
}
CATALOGUE.update(REPORT)
# --- end of issue 13, part 4 ---


# What Telegram's command menu shows (setMyCommands), per language.
MENU: dict[str, list[tuple[str, str]]] = {
    "fr": [
        ("besoin", "Publier un besoin"),
        ("don", "Proposer un surplus"),
        ("materiel", "Chercher ou prêter du matériel, des bénévoles"),
        ("urgent", "Besoin urgent"),
        ("prendre", "Prendre une annonce : /prendre 12"),
        ("fait", "Marquer récupéré / livré : /fait 12"),
        ("annuler", "Retirer une annonce ou une prise"),
        ("corriger", "Corriger une annonce : /corriger 12 40 kg"),
        ("liste", "Voir les annonces ouvertes"),
        ("mes", "Les annonces et prises de mon association"),
        ("digest", "Le point quotidien : /digest 7h30, /digest off"),
        ("notifs", "Ce que vous recevez : /notifs urgent, /notifs calme 22h-7h"),
        ("profil", "Le profil de votre association"),
        ("achats", "Achats groupés : /achats, /commande 12 5"),  # issue 14
        ("aide", "Comment ça marche"),
    ],
}


def t(lang: str, key: str, **values: object) -> str:
    entry = CATALOGUE[key]
    template = entry.get(lang) or entry["fr"]
    return template.format(**values) if values else template
