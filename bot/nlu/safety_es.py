"""The emergency net in Spanish: the warning signs of F10 and F11 and self-harm as US
Spanish speakers text and say them (Spanglish, typos, phone transcriptions), and what
says that it is happening now, a question, a memory or a dream.

Patterns read the message lower-cased without accents (`sin_acentos`): "está" and
"esta", "convulsión" and "convulsion" are one, and "ñ" is "n".
"""

from __future__ import annotations

import re
import unicodedata

_BABY = r"(?:bebe|bb|bebita|bebito|nene|nena|nino|nina|hijo|hija|baby|la nina|el nino|mi nieto|mi nieta)"

SIGNOS: dict[str, list[str]] = {
    "respiracion": [
        r"\bno (?:puede |puedo |pueo |pude |podia |esta |quiere )?(?:r+e?s+p+[il]+r+\w*|respriar|respir)\b"
        r"|\bdej[oa] de r+espirar\b",
        r"\b(?:le|me) (?:cuesta|cuestra|falta|costando) (?:el aire|respirar|trabajo respirar|la respiracion)\b",
        r"\brespir\w* (?:raro|rapido|rapidito|muy rapido|feo|con dificultad|mal|fuerte|como (?:silbando|ahogad\w*)|con (?:mucho )?(?:trabajo|esfuerzo)|pujando|quejandose)\b",
        r"\bse (?:esta )?ahog\w*\b|\bjade\w*\b|\bsilba (?:al|cuando) respira|\bse le hunde\w* (?:el pecho"
        r"|las costillas)\b",
        r"\b(?:no le entra|sin) aire\b|\bapnea\b|\bpausas? (?:al|en la) respira\w*",
    ],
    "color": [
        r"\b(?:pusieron|puso) (?:\w+ )?morad\w*|\bmorad\w* los labios\b",
        r"\b(?:labios|boca|boquita|cara|carita|piel|lengua|lips|unas)\s+(?:\w+\s+){0,3}(?:morad\w*|morao\w*"
        r"|azul\w*|gris\w*|moradit\w*|azulit\w*|negr\w*)\b",
        r"\bse (?:esta |puso |pone |le puso |le esta poniendo |acaba de poner |acaba de )?(?:poniendo |puso )?(?:morad\w*|azul\w*|gris\w*)\b",
        r"\b(?:esta|se ve|lo veo|la veo|quedo) (?:todo |toda |bien |muy )?(?:morad\w*|azul\w*|gris\w*"
        r"|palid\w* y fri\w*)\b",
        # "bebe azul", "mi nena morada": the baby named and the colour (not the baby's clothes).
        rf"^(?!.*\b(?:ropa|cobija|manta|cuarto|mameluco|gorrit\w*|zapat\w*|carriola|globo|pastel|vestido)\b).*\b{_BABY}\s+(?:\w+\s+){{0,2}}(?:morad\w*|azul\w*|gris\w*|moradit\w*|azulit\w*)\b",
    ],
    "convulsion": [
        r"\bse (?:le )?van los ojos\b|\bojos (?:para|hacia) atras\b|\bse puso tieso\b|\bcon ?bulsion\w*\b",
        r"\bno (?:lo |la |le )?puedo despertar\b",
        r"\b(?:convuls\w*|conbuls\w*|combuls\w*|comvuls\w*|ataques?|temblorina)\b",
        r"\btembland\w* (?:todo|toda|mucho|sin parar)\b|\bbrinc\w* en todo el cuerpo\b"
        r"|\bse (?:le )?pone tieso\b|\btiesito\b",
        r"\b(?:sigue|esta|no para de) tembl\w*\b",
        r"\blos ojos (?:se le )?(?:van|fueron|voltean|ponen) (?:para|pa|hacia) (?:atras|arriba|blanco)\b"
        r"|\bse le voltean los ojos\b|\bojos en blanco\b",
        r"\bno (?:se )?(?:despierta|despertaba|reacciona|responde|abre los ojos)\b|\bno (?:lo|la|los) (?:puedo"
        r"|podemos) despertar\b",
        r"\b(?:aguadit\w*|aguad[oa]|flojit\w*|floj[oa]|sin fuerza|no tiene fuerza|como trapito|desguanzad\w*"
        r"|desmadejad\w*)\b",
        r"\b(?:desmay\w*|desmall\w*|inconsciente|se desvanec\w*|perdio el conocimiento|casi no abre los ojos)\b",
        r"\bmuy (?:dificil|dificl) de despertar\b|\bdemasiado dormid\w* para (?:comer|mamar)\b",
        r"\b(?:sigue|sigo|esta) sin despertar\b",
        r"\bno (?:logro|logramos|consigo|conseguimos) despertar\w*\b|\bno abre (?:los )?ojit\w*\b",
    ],
    "sangrado": [
        r"\bsangr\w*\b.{0,30}\b(?:no para|no se detiene|no se le para)\b|\bsangrado fuerte\b|\bsangra (?:del"
        r"|el) ombligo\b",
        r"\b(?:[bv]omit\w*|devolvi\w*|echa\w*|escupi\w*|tose\w*|tosio)\s+(?:\w+\s+){0,2}sangre\b"
        r"|\b[bv]omito con sangre\b",
        r"\b(?:estoy|esta|sigo|sigue|empece a|empezo a)\s+(?:\w+\s+)?(?:bleeding|sangrando)\b|\bsangre (?:del"
        r"|de la|por el) (?:ombligo|cordon|nariz|boca)\b",
        r"\b(?:popo|caca|heces|panal|pañal|vomito|pipi)\s+(?:\w+\s+){0,3}(?:sangre|negra|negro)\b"
        r"|\bsangre en (?:el |la |su )?(?:popo|caca|panal|vomito|pipi)\b",
        r"\b(?:esta|estoy|sigue|sigo|empezo a|empece a)\s+sangr\w*\b|\bsangr(?:a|ando|o|e) (?:mucho|bastante"
        r"|sin parar|muchisimo|un monton)\b",
        r"\bsangre (?:por|de) (?:la nariz|la boca|el ombligo|el cordon)\b|\bno (?:le |me )?para (?:la "
        r"|de )?sangr\w*|\bhemorragia\b",
        r"\bcoagulos?\b|\bmucha sangre\b|\bempap\w* (?:la|las|el) (?:toalla|toallas|pads?)\b",
        r"\b(?:[bv]omit\w*|devol\w*|echa\w*)\b.{0,30}\b(?:cafe molido|(?:algo )?(?:oscuro|negro|negrito"
        r"|color cafe|como cafe|como asientos de cafe))\b",
    ],
    "higado": [
        r"\bamarill\w*\b.{0,30}\bno (?:ha comido|come|quiere comer|toma|ha querido (?:comer|tomar|mamar)|ha tomado|ha mamado)\b",
        r"\bse le hincho (?:la|el) (?:barrig\w*|panz\w*|estomago|pancita|vientre)\b",
        r"\b(?:amarill\w*|ictericia|yellow|amarilla)\b.{0,60}\b(?:no (?:quiere |puede )?(?:come|comer|comido"
        r"|toma|tomar|tomado|mama|mamar|agarra|chupa|succiona)|sin comer|no quiere (?:la mamila|el pecho"
        r"|el biberon|la formula|nada)|no come|casi no come|rechaza)\b",
        r"\b(?:no (?:quiere |puede )?(?:come|comer|toma|tomar|mama|agarra)|sin comer|no quiere (?:la mamila"
        r"|el pecho|el biberon))\b.{0,60}\b(?:amarill\w*|ictericia|yellow)\b",
        r"\b(?:panza|pansa|barriga|barriguita|pancita|panzita|pansita|estomago|estomaguito|vientre|abdomen|tummy"
        r"|belly)\s+(?:\w+\s+){0,5}(?:hinchad\w*|inflad\w*|inflamad\w*|dur[oa]|grande y dur\w*|distendid\w*"
        r"|como (?:un )?globo)\b",
    ],
    "embarazo": [
        r"\bdolor\b.{0,25}\b(?:horrible|terrible|insoportable)\b|\bno me puedo (?:parar|levantar)\b",
        r"\bdejo de moverse\b|\bya no se mueve\b|\bperdiendo (?:mucho )?liquido\b",
        r"\b(?:sangr\w*|hemorragia)\b.{0,40}\b(?:embarazada|semanas|embarazo)\b|\b(?:embarazada"
        r"|semanas)\b.{0,40}\bsangr\w*",
        r"\bdolor (?:muy |bien |super )?(?:fuerte|horrible|insoportable|terrible|intenso|fortisimo|fuertisimo"
        r"|tremendo|intensisimo)\b|\bme duele (?:horrible|muchisimo|demasiado|mucho mucho)\b",
        r"\b(?:no|ya no|casi no|ni) (?:se (?:le )?(?:mueve|movio|ha movido)|(?:lo|la|le)? ?(?:siento|siente"
        r"|sentimos) (?:moverse|mover|al bebe|a la bebe|a mi bebe|a mi bebita|a mi bebito|las? patadit\w*"
        r"|patadas?|que se (?:mueve|mueva)))\b",
        # Waters breaking: "me esta saliendo agua por las piernas" (a car or a sink is not).
        r"^(?!.*\b(?:carro|coche|auto|camioneta|motor|radiador|techo|fregadero|tuberia|lavadora|refri)\b).*"
        r"\b(?:saliendo|sale|salio|se me sale|escurriendo|escurre|chorreando|goteando)\s+(?:\w+\s+){0,2}(?:agua"
        r"|liquido)\b",
        r"\bno (?:he|ha|hemos) sentido (?:al bebe|moverse|que se mueva|patadas?|pataditas)\b|\bno (?:lo |la )?(?:siento|sentimos|senti) (?:q |que )?(?:se )?(?:mover\w*|mueva|mueve)\b|\bya no (?:lo "
        r"|la )?siento\b|\bno patea\b",
        r"\bse (?:me )?(?:rompio|reviento) (?:la fuente|la bolsa)\b|\brompi fuente\b|\bse mueve (?:mucho )?menos\b",
    ],
    "reaccion a la infusion": [
        r"\bpecho apretado\b|\bme aprieta el pecho\b|\bse me (?:esta )?(?:cierra|cerrando) (?:el pecho|la garganta)\b|\bno puedo (?:agarrar|tomar|jalar) aire\b",
        r"\bcara\b.{0,20}\bhinch\w*|\bno puedo abrir (?:un|el) ojo\b|\bcasi no orino\b",
        r"\bse (?:me|le) (?:esta )?(?:cierr|cerr)\w* la garganta\b|\bgarganta (?:cerrada|cerrando|apretada)\b",
        r"\b(?:labios|cara|lengua|ojos|boca|garganta|parpados)\s+(?:\w+\s+){0,2}hinchad\w*|\bse (?:me"
        r"|le) (?:esta|estan)? ?hinch\w* (?:la|los|el|las) (?:cara|labios?|lengua|garganta|boca|ojos|parpados)\b",
        r"\b(?:me|le) duele (?:mucho |bien |horrible )?el pe[cs]ho\b|\bdolor (?:fuerte )?(?:en el|de"
        r"|del) pe[cs]ho\b|\bpresion en el pe[cs]ho\b|\bopresion\b",
        r"\bse (?:me|le) (?:duerme|durmio|adormece|entumio) el brazo\b",
        r"\bno (?:puedo|pueo|puede) respirar\b.{0,40}\binfu[cs]+i?on\b",
        r"\b(?:pierna|pantorrilla|chamorro)\s+(?:\w+\s+){0,3}(?:hinchad\w*|roja|caliente|duele)\b",
        r"\b(?:casi no|no) (?:he |ha )?(?:orinado|orina|hecho (?:pipi|pis|del uno)|hago pipi)\b|\bsin orinar\b"
        r"|\bmuy poca orina\b",
        r"\b(?:urticaria|ronchas|reaccion alergica|anafila\w*)\b",
    ],
    "autolesion": [
        r"\bse quiere morir\b|\bmejor me muero\b|\bacabar con mi vida\b|\bno le veo salida\b|\bquitarme la vida\b",
        r"\b(?:me quiero|quiero|quisiera|me voy a) (?:morir|matar|quitar la vida)\b|\bquitarme la vida\b|\bmatarme\b",
        r"\b(?:quiero|quisiera|queria|quise|tengo ganas de|me dan ganas de|mejor) (?:morirme|desaparecer para siempre)\b",
        r"\b(?:pienso|pensando|pense|quisiera|ojala|deseo"
        r"|rezo)\s+(?:en\s+)?(?:que\s+)?(?:ya\s+)?no\s+(?:despertar\w*|volver a despertar)\b",
        r"\bquiero (?:estar|irme) (?:donde esta|con) (?:ella|el|mi (?:bebe|hij[oa]|angelito))(?: otra vez| ya"
        r"| en el cielo)?\b"
        r"|\bya me despedi de (?:mi (?:mama|papa|familia|esposo|esposa|hermana|hermano|hijos)|todos)\b",
        r"\bya no quiero (?:vivir|estar aqui|seguir viviendo|despertar)\b|\bno quiero (?:vivir|seguir viviendo)\b",
        r"\b(?:hacerme|me voy a hacer|voy a hacerme) (?:dano|algo)\b|\bsuicid\w*\b|\bno vale la pena (?:vivir"
        r"|seguir)\b",
        r"\b(?:estar|irme) con mi (?:bebe|angel|hij[oa]) (?:en el cielo|otra vez|de nuevo)\b"
        r"|\bno aguanto mas\b.{0,30}\b(?:vivir|dano|morir|cielo)\b",
        r"\bno puedo mas\b.{0,30}\b(?:dano|morir|vivir)\b|\btomarme todas las pastillas\b",
        r"\b(?:quiero|quisiera) (?:estar|irme) con mi (?:bebe|angel|hij[oa])\b"
        # "ya no aguanto" alone is the parent at risk; "ya no aguanto las agujas" names what wears her down.
        r"|\bya no aguanto\b(?!.{0,40}\b(?:aguja\w*|piquete\w*|pinchazo\w*|moreton\w*|morad[oa]s de|la espera"
        r"|las nauseas|el calor|los pies|la espalda|el dolor de (?:cabeza|espalda|pies))\b)"
        # Done here, not needed: "ya cumplí aquí", "ya no hago falta", "nadie me necesita".
        r"|\bya (?:cumpli|termine) (?:aqui|mi parte|con mi vida|en esta vida)\b|\bya no hago falta\b"
        r"|\bnadie me necesita\b|\bya no le hago falta a nadie\b"
        r"|\blas pastillas en la mano\b|\b(?:botella|frasco|bote) de (?:pastillas|pildoras)\b.{0,20}\b(?:en la mano|conmigo|aqui)\b"
        # Quietly taking leave: "se está despidiendo de todos y regalando sus cosas".
        r"|\b(?:se esta|esta|anda|me estoy) despidiendo de (?:todos|todo el mundo|la familia)\b"
        r"|\bregal(?:ando|o|a|e) (?:todas )?(?:sus|mis) cosas\b"
        r"|\b(?:dormirme|dormir) y no despertar\b|\bnadie me (?:extranaria|va a extranar)\b",
        r"\b(?:estarian|estaria|estarán|estaran|vivirian|estarian) mejor sin mi\b|\bmejor sin mi\b",
        r"\b(?:ya no tengo|no tengo) ganas de vivir\b|\bya no (?:le )?encuentro sentido\b"
        r"|\bpara que sigo (?:aqui|viva|vivo)\b",
        r"\bme quiero ir con (?:mi|mis) (?:angelito|angel|bebe|hij[oa])\b|\bya lo decidi\b",
        # Los medios a la mano: pastillas, pistola, cuerda; un puente; una despedida.
        # Ya tomadas, por quien escribe o por otra persona: "se tomo todas las pastillas".
        r"\bse (?:tomo|trago|bebio|acabo) (?:un monton de|muchas|todas (?:las|sus)|varias|el frasco de|el bote de)"
        r" (?:pastillas|pildoras|medicinas|pastiyas)\b",
        # Sin razon para seguir, y un adios a todos.
        r"\bno tiene (?:caso|sentido) (?:seguir|vivir|estar aqui|seguir viviendo)\b"
        r"|\b(?:no tengo|ya no tengo|sin|no (?:le )?(?:veo|encuentro|hallo)) (?:ninguna |ni una |una |un |ningun )?(?:razon|motivo|sentido) (?:para|de|a|en) (?:seguir|vivir|estar aqui|levantarme)\b"
        r"|\b(?:perdon|perdoname|perdonenme|lo siento) (?:por|de) todo\b.{0,40}\badios\b|\badios (?:para siempre|a todos|mundo)\b"
        r"|\b(?:esto|este|este mensaje) es (?:un|mi) adios\b|\bdiganle a (?:mi|mis) \w+ (?:q|que) (?:lo|la|los|las) quiero\b"
        r"|\bme despido de (?:todos|todo el mundo|ustedes para siempre)\b|\bme despido para siempre\b",
        r"\b(?:me tome|me tomé|tome|me trague|me he tomado)\s+(?:un monton de|muchas|todas las|varias"
        r"|un bote de|el frasco de)\s+(?:pastillas|pildoras|medicinas)\b",
        r"\b(?:pistola|arma|cuerda|soga|navaja)\b.{0,30}\b(?:aqui conmigo|conmigo|en la mano|lista|cargada)\b",
        r"\b(?:estoy|me subi|estoy parad[oa]) (?:en|sobre) (?:el|un|la) (?:puente|azotea|orilla)\b",
        r"\b(?:escribi|deje|ya escribi)\s+(?:las |unas )?cartas\b.{0,40}\b(?:todos|noche|familia)\b"
        r"|\bhoy es la noche\b",
        r"\bya no (?:voy a|vaya a) estar\b|\b(?:no|ya no|tampoco) (?:las|los|lo|la) voy a necesitar\b",
        r"\bse va a (?:matar|quitar la vida|hacer dano)\b|\bquiere (?:matarse|quitarse la vida)\b",
        r"\bme (?:quito|voy a quitar) la vida\b|\b(?:me voy a|voy a|quiero) tomar (?:todas las|un monton de"
        r"|el frasco de) (?:pastillas|pastiyas|pildoras)\b",
        r"\bme (?:acabo de tomar|tome|trague) (?:un|el) (?:frasco|bote) (?:entero )?de (?:pastillas|pastiyas"
        r"|pildoras|medicinas)\b",
        r"\b(?:quiero|quisiera|me quiero) (?:desaparecer|dejar de existir|ya no existir)\b",
        r"\b(?:voy a|quiero|pienso|me dan ganas de) acabar con todo\b(?! (?:el|la|los|las|lo) )"
        r"|\bmi vida (?:ya )?no tiene sentido\b",
        r"\bmensaje de despedida\b.{0,50}\b(?:no contesta|ya no contesta|no responde)\b",
    ],
    "explicito": [
        r"\bemergencia\b(?! (?:no|para nada))|\bambulancia\b|\bparamedicos?\b|\bauxilio\b|\bsocorro\b",
        # "ayuda, mi bebe..." asks for help; "como ayuda con el nh" and "me ayuda con el
        # copay" ask how something helps, or for the pharmacy.
        r"(?<!como )(?<!que )(?<!si )(?<!me )(?<!le )(?<!nos )(?<!en que )\bayuda\b(?! (?:financiera|economica"
        r"|monetaria|para pagar|con (?:los |las )?(?:biles|bills|pagos|gastos|cuentas|costos)))"
        r"(?! (?:con|para|a|en) (?:el|la|los|las|mi|mis|su|sus|pagar|que) ?(?:copay|copago|pago|seguro"
        r"|aseguranza|refill"
        r"|receta|nh|hn|ivig|medicina|costo|cuenta|factura|bebe|embarazo)?)"
        r".{0,25}\b(?:bebe|hij[oa]|esposa|mama|nina|nino|urgente|rapido|por favor|porfa|ya)\b|\burgente\b",
        rf"\balgo (?:anda |esta )?(?:muy )?mal con (?:mi|el|la|nuestro) {_BABY}\b",
    ],
}
NEWBORN_GROUPS = {"respiracion", "color", "convulsion", "sangrado", "higado"}

NOW_STRONG = re.compile(
    r"\b(?:ahorita|ahora mismo|en este momento|ya mero"
    # "rápido" as a plea, not "despierta rápido y come bien"
    r"|(?<!despierta )(?<!despierto )(?<!reacciona )(?<!responde )(?<!come )(?<!se despierta )(?<!paro )rapido|ayuda|ayudenme|por favor|porfa|(?<!que )sigue"
    r"|que sigue (?!con\b|despues\b|para\b)\w|sigo"
    r"|todavia(?! (?:me acuerdo|recuerdo|pienso|sueno|tengo (?:pesadillas|suenos)|lo extrano|la extrano|lloro))"
    r"|hace (?:\w+ )?(?:minutos?|un rato|una hora|rato)|desde (?:ayer|anoche|hoy|esta manana|hace|la manana|el)"
    r"|lleva (?:\w+ )?(?:minutos|horas|rato|todo el dia)|todo el dia|no para|no se (?:le )?quita"
    r"|(?:se )?acaba(?:n)? de (?:poner|desmayar|caer|vomitar|dejar|empezar|desvanecer)"
    # "se me está hinchando la cara": going on as she writes
    r"|se (?:me |le )?estan? (?:hinchando|poniendo|cerrando|inflamando|llenando))\b"
)
RESOLVED = re.compile(
    r"\b(?:(?:ya|ahora) (?:esta|estamos|estoy) (?:bien|sano|sana|mejor|normal)|(?<!no )(?<!no se )paro (?:rapido|solo|sola|enseguida)|todo (?:esta |salio )?bien|se le (?:quito|paso)"
    r"|ya se (?:le |me )?(?:quito|paso)|se me (?:quito|paso)|salio (?:negativo|bien|sin)|esta (?:sanito|sanita"
    r"|perfect\w*)"
    r"|eso fue hace (?:\w+ )?(?:anos|meses)|ya se (?:fueron|fue)|se (?:fueron|quitaron) (?:hace rato|solas|con)"
    r"|todo bien|(?:dijo|dice|dijeron|dicen) que (?:esta|todo esta|todo) bien|(?:y )?(?:come|esta comiendo|mama) bien"
    r"|ya esta fuerte|esta fuerte|esta (?:super|muy) bien|se (?:le |me )?quitaron|de la ultima vez"
    r"|(?:ya )?esta en casa|lo revisaron|la revisaron|me revisaron|(?:lo|la|me) dieron de alta"
    r"|(?:y|ya|ahora) respira bien|ya paro|ya voy a terapia|estoy mejor"
    r"|ya se (?:le |me )?bajo|no (?:era|fue) (?:un )?coagulo|se (?:le |me )?quito|(?:haya|ha) salido bien"
    r"|rosadit\w*|(?:y|ya|ahora) (?:esta )?respirando bien|se recupero"
    r"|ya no (?:ha |le ha )?(?:tenido|tuvo|le dio) (?:mas|otra)|estable|esta (?:sana|sano)|tiene \d+ (?:anos"
    r"|meses) y esta|ya tiene \d+ semanas y esta (?:bien|sano|sana|perfect\w*)"
    r"|(?:fui|fuimos|me revisaron|la revisaron|lo revisaron|me checaron)\b.{0,50}\b(?:esta|estaba|salio|salieron)"
    r" (?:todo )?bien"
    r"|ya (?:fui|fuimos|la llevamos|lo llevamos|la lleve|lo lleve) (?:al|a la|con el|con la) (?:dentista|doctor"
    r"|doctora|medico|hospital|urgencias|clinica|pediatra))\b"
)
DREAM = re.compile(
    r"\b(?:sone|soñe|sueno|sueño|suenos|pesadillas?|soñando|sonando|en (?:la|una) (?:pelicula|serie|novela"
    r"|tele)|en (?:el|un) video|(?:vi|veia|estaba viendo|estabamos viendo|mire|vimos) (?:una|un|la|el) (?:novela"
    r"|pelicula|serie|programa|video|documental)"
    r"|(?:me falta el aire|no puedo respirar) sin (?:ella|el|ellos|mi)|muert[oa] de (?:cansancio|sueno|hambre"
    r"|risa|ganas)"
    r"|me esta matando|(?:celular|telefono|bateria|cel|pila) se (?:esta )?muriendo|futbolista|falsa alarma)\b"
)
# About an animal or a thing, with no person named anywhere in the message (see safety_en).
NOT_A_PERSON = re.compile(
    r"^(?!.*\b(?:bebe|bebita|bebito|nene|nena|hij[oa]|esposa|esposo|embarazad\w*|yo|me|estoy|tengo)\b)"
    r".*\b(?:mi|mis|nuestro|nuestra|el|la) (?:perr\w*|gat\w*|pez|pececito|pajar\w*|perico|conej\w*|caballo"
    r"|mascota|carro|coche|troca)\b"
    r"|^(?:mi|el|la|nuestro|nuestra) (?:perr\w*|gat\w*|pez|pececito|pajar\w*|perico|conej\w*|caballo"
    r"|mascota)\b(?!.*\b(?:bebe|embarazad\w*|estoy|tengo)\b)"
)
GENERAL_STRONG = re.compile(
    r"\b(?:si (?:algun dia|alguna vez)|no esta pasando|(?:nomas|solo|nada mas) (?:preguntaba|pregunto"
    r"|queria saber)|grupo de apoyo"
    r"|(?:alguien|una mama|una senora|mi amiga|mi prima|mi vecina) (?:conto|dijo|dice|comento|publico)|(?:es"
    r"|son) comun\w*|un moretoncito|(?:solo|nomas) (?:es )?un moreton"
    r"|cuanto (?:\w+ )?es (?:demasiado|mucho)|cuanto (?:se )?(?:debe|deberia|tiene que)|(?:puede|va a) volver a pasar|siempre es (?:grave|peligros\w*"
    r"|normal)|es grave"
    r"|se vale|puedo tomar|puedo usar|que (?:hago|hacemos|debo hacer) si|y si"
    r"|(?<!como )(?<!hola )(?<!bueno )(?<!oye )(?<!pues )si (?:le|me|mi|el|la|se|tiene|tengo|esta|estoy|ella"
    r"|el bebe|sangro|siento)"
    r"|en caso de|como (?:se|sabre|sabria|saber|distingo|distinguir|saberlo) (?:si|cuando|que)|como distingo"
    r"|no es (?:una )?emergencia|solo (?:quiero|queria) (?:saber|aprender|preguntar)|me da miedo|tengo miedo de"
    r"|me preocupa\w*|cuando es (?:una )?emergencia|que (?:\w+ ){1,5}es para (?:ir|llamar)"
    r"|(?:estoy|ando) (?:tan|muy|bien|super) cansad\w*|jaja\w*|como se ve|como luce|que se considera"
    r"|(?:los|las|a los|unos) (?:bebes|ninos|recien nacidos)|cuanto tiempo|puede (?:salir|pasar|dar)"
    r"|si (?:un|una) (?:bebe|nino|nina)|tiene que ver|que cuenta como|si vomita|si sangra|si no despierta|(?:es"
    r"|son) (?:un )?efectos? secundarios?|puede (?:la|el) \w+ causar|instrucciones (?:de|para) la nin\w*"
    r"|que (?:quiere|quiso) decir|(?:lo|la|los) (?:mencionaron|explicaron|dijeron) en (?:la|el) (?:clase|curso"
    r"|platica|taller)"
    r"|^(?:el |la |los |las )?(?:ivig|infusion\w*|suero|medicina|tratamiento) (?:da|dan|causa|causan|provoca\w*))\b"
)
NOW = re.compile(
    r"\b(?:ahora|hoy|esta noche|ya)\b|\b(?:esta|estoy|tiene|tengo|se (?:le |me )?esta)\b|\bque hago\b"
    r"|\b(?:le|me) duele\b|\bse (?:le|me) (?:duerme|adormece)\b"
)
GENERAL = re.compile(
    r"\b(?:cuales son|que (?:senales|señales|signos|sintomas)|senales|señales|signos|sintomas|signs|es normal"
    r"|causa|puede (?:causar|dar|tener)|se puede|como es|senal|señal|que tanto|cuando (?:llamo|llamar|debo)"
    r"|a quien llamo)\b"
    r"|\ben que momento\b|\b(?:medicinas?|medicamentos?|pastillas) (?:para|de) (?:las |la )?convulsion\w*"
)
PAST = re.compile(
    r"\b(?:murio|fallecio|falleci\w*|perdimos|perdi|antes de (?:morir|fallecer)|hace (?:\w+ )?(?:anos|años|meses)"
    r"|embarazo (?:anterior|pasado)|(?:mi|nuestro|nuestra) primer(?:a|o)? (?:bebe|embarazo|hij[oa])|la noche que"
    r"|cuando nacio|al nacer"
    r"|tuvo|tuve|tenia|estaba|podia|llore|la semana pasada|la vez pasada|mi ultimo embarazo"
    r"|hace (?:\w+ )?embarazos|hace tiempo|al nacer en|en su tumba|cementerio|lo trasladaron|la trasladaron"
    r"|me acuerdo|recuerdo|al final)\b"
)
LOSS = re.compile(r"\b(?:murio|fallecio|falleci\w*|perdimos|perdi a|angelito|angel|funeral|el cielo|se nos fue"
                  r"|no sobrevivio|no lo logro|no la logro)\b")
PREGNANCY = re.compile(r"\b(?:embarazad\w*|embarazo|\d+ semanas|semanas de embarazo|trimestre|contracciones"
                       r"|parto|obstetra|ginecolog\w*|patad\w*)\b")
INFUSION = re.compile(r"\b(?:infusion|infusiones|ivig|ivg|suero|tratamiento|inmunoglobulina)\b")
# Words that tell a message is in Spanish (for the markers of one without a sign).
SPANISH_WORDS = re.compile(
    r"\b(?:el|la|los|las|mi|mis|que|esta|estoy|tiene|tengo|bebe|hijo|hija|por|para|con|pero|como|donde|cuando"
    r"|porque|puedo|quiero|ayuda|gracias|hola|si|me|le|lo|se|de|del|al|en|un|una|y|muy|mucho|ya|su|sus|es|son"
    r"|hay|nos|les|tambien|ahora|hoy|cuanto|cual|quien|esto|eso|aqui|nada|todo|toda)\b"
)
COMPILED = [(group, re.compile("|".join(f"(?:{p})" for p in patterns))) for group, patterns in SIGNOS.items()]
DENIES_HARM = re.compile(
    r"\bno (?:pienso|voy a|quiero|estoy pensando en) (?:hacerme dano|hacerme nada|matarme|quitarme la vida)\b"
    r"|\bnunca me haria dano\b"
    r"|\bhace (?:anos|tiempo|meses|\w+ anos) (?:intente|quise|pense en|me tome) (?:hacerme dano|matarme"
    r"|quitarme la vida|(?:muchas|unas|todas las|un monton de) pastillas)\b(?=.*\b(?:estoy bien|estoy mejor|terapia"
    r"|psicolog\w*|(?:ya )?lo supere)\b)|\bme (?:pregunto|preguntaron) si (?:\w+ ){0,4}(?:hacerme dano|matarme"
    r"|suicid\w*|quitarme la vida)\b.{0,20}\b(?:le |les )?dije que no\b"
    r"|\bantes pensaba en (?:quitarme la vida|matarme|morirme|suicid\w*)\b(?=.*\b(?:terapia|estoy mejor"
    r"|psicolog\w*)\b)"
    # Told as past and helped: "después de perderlo quería morirme, pero la terapia me ha ayudado".
    r"|\b(?:queria|quise) (?:morirme|morir|matarme)\b(?=.*\b(?:terapia|psicolog\w*|consejer\w*)\b.*\b(?:me ha|me han|me esta) ayudado\b)"
    r"|\b(?:queria|quise) (?:morirme|morir|matarme)\b(?=.*\b(?:ya (?:estoy|voy) (?:en|a) terapia|ya lo supere|ya estoy mejor"
    r"|estoy recibiendo ayuda)\b)")
OVER = re.compile(r"\bno esta pasando\b.{0,30}\b(?:nomas|solo|nada mas) (?:preguntaba|queria saber)\b"
                  # Not over when something is going on now: "ahora se me está hinchando la cara".
                  r"|^(?!.*\b(?:pero|otra vez|de nuevo|sigue|peor|volvio|desde|ahora (?:se|me|le|tiene|tengo|esta)"
                  r"|se (?:me |le )?estan? \w+ando)\b).*\b(?:se (?:le "
                  # "la enfermera se fue hace rato": the nurse left, not the sign
                  r"|me )?quitaron|(?<!enfermera )(?<!enfermero )(?<!doctora )(?<!doctor )(?<!medico )(?<!esposo )"
                  r"(?<!mama )se (?:le |me )?fue(?! la| el)|ya se (?:le |me )?fueron"
                  r"|ya paro|(?:y|ya|ahora) respira bien|falsa alarma|salio bien)\b")
MARKERS = {"over": OVER, "denies_harm": DENIES_HARM, "not_a_person": NOT_A_PERSON, "now_strong": NOW_STRONG, "resolved": RESOLVED, "dream": DREAM,
           "general_strong": GENERAL_STRONG,
           "now": NOW, "general": GENERAL, "past": PAST}


def sin_acentos(text: str) -> str:
    """Lower case without accents ("ñ" becomes "n"), for the patterns above."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
