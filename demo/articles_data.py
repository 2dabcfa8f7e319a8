"""Article texts for the storyline demo corpus.

All outlets, people, companies and events here are fictional. Real cities and
countries are used only as settings.

Notation used in the bodies (converted by make_corpus.smarten):
  "..."  -> curly double quotes      '  -> curly apostrophe / single quote
  ---    -> em dash                  -- -> en dash
Blocks are separated by blank lines:
  "## Heading"    subheading (h2 in HTML, bare heading line in text)
  "- item" lines  bullet list
  "FIG: caption"  figure with caption (HTML only)
"""

OUTLETS = [
    {"key": "hc", "name": "The Harbor Courier", "domain": "harborcourier.example", "slug": "harbor-courier"},
    {"key": "mw", "name": "Meridian Wire", "domain": "meridianwire.example", "slug": "meridian-wire"},
    {"key": "ng", "name": "The Northgate Ledger", "domain": "northgateledger.example", "slug": "northgate-ledger"},
    {"key": "cd", "name": "Capital Dispatch", "domain": "capitaldispatch.example", "slug": "capital-dispatch"},
    {"key": "lo", "name": "The Lakeside Observer", "domain": "lakesideobserver.example", "slug": "lakeside-observer"},
    {"key": "bd", "name": "Bayline Daily", "domain": "baylinedaily.example", "slug": "bayline-daily"},
    {"key": "eb", "name": "Eastbridge Post", "domain": "eastbridgepost.example", "slug": "eastbridge-post"},
]

EVENTS = [
    {"id": "E1", "thread": "T1", "date": "2026-10-13",
     "description": "Brazilian President Helena Amaral's state visit to Lisbon: talks with Portuguese President Duarte Meireles at Belém Palace, memorandum on the Atlântida Sines–Recife subsea cable; pensions dispute left unresolved."},
    {"id": "E2", "thread": None, "date": "2026-10-14",
     "description": "Central Bank of Iceland cuts its key rate by 25 basis points to 6.5% in a 3–2 split vote (Governor Sigrún Hallsdóttir)."},
    {"id": "E3", "thread": None, "date": "2026-10-19",
     "description": "72-hour dockworkers' strike at the Port of Gdańsk over remote-controlled cranes at Vistula Container Terminal; ships queue, talks in Warsaw."},
    {"id": "E4", "thread": "T1", "date": "2026-10-27",
     "description": "Portuguese Foreign Minister Rui Valadares visits Brasília for closed-door talks with President Helena Amaral at the Planalto Palace on a pensions (social security) agreement."},
    {"id": "E5", "thread": None, "date": "2026-10-29",
     "description": "Data breach at UK energy supplier Fernhall Energy via billing contractor Oakridge Data Services; 2.4 million customers, later revised to nearly 2.8 million."},
    {"id": "E6", "thread": None, "date": "2026-11-02",
     "description": "Landslide buries homes in Nậm Khe village, Bát Xát district, Lào Cai province, northern Vietnam; death toll reported as 12, later 14."},
    {"id": "E7", "thread": None, "date": "2026-11-07",
     "description": "Northern Cup football final at Deepdale, Preston: Kirkby Town beat Salford Rovers 2–1 after extra time."},
    {"id": "E8", "thread": None, "date": "2026-11-09",
     "description": "SHORT-TB8 trial: eight-week tuberculosis regimen as effective as the six-month standard (Dr Amara Nwosu, Cape Institute for Respiratory Medicine)."},
    {"id": "E9", "thread": None, "date": "2026-11-11",
     "description": "Dublin High Court (Ms Justice Orla Brennan) quashes planning permission for Kestrel Data Parks' €900m data centre in Clondalkin."},
]

# Unrelated "related stories" / previous-next headlines, per outlet.
RELATED = {
    "hc": [
        "Harbour ferry fares to rise by 8% from January",
        "Review: a bold new staging of The Tempest at the Old Quay Theatre",
        "Ten autumn walks along the northern coast",
        "City council delays vote on waterfront car park",
        "Obituary: Marjorie Hale, lighthouse keeper and local historian",
        "Why sea swimming clubs are booming",
    ],
    "ng": [
        "Markets close higher as oil prices ease",
        "Letters: the trouble with smart meters",
        "Northgate rail upgrade faces further delays",
        "Recipe: slow-cooked lamb with rosemary",
        "Inside the town's oldest bookshop",
    ],
    "cd": [
        "Parliament committee to question transport chief",
        "Five films to watch this weekend",
        "Museum reopens after two-year renovation",
        "Opinion: the four-day week deserves a fair trial",
        "Weather: cold snap expected by Friday",
    ],
    "lo": [
        "Council approves new cycle lanes along Marina Parade",
        "Lakeside rowing club celebrates its centenary",
        "Review: the best new bakeries in town",
        "Heron Park playground to reopen after repairs",
        "School bus timetable changes from Monday",
    ],
    "bd": [
        "Bayline pier restoration wins heritage award",
        "Tide tables: what to expect this week",
        "Letters: parking on Shore Road",
        "Local cricket club appoints new captain",
        "Quiz: how well do you know the bay?",
    ],
}

ARTICLES = []


def A(**kw):
    ARTICLES.append(kw)


# ---------------------------------------------------------------------------
# E1  Amaral state visit to Lisbon (thread T1)
# ---------------------------------------------------------------------------

A(key="cd-e1", outlet="cd", event="E1", fmt="html", section="world",
  slug="amaral-meireles-belem-palace-talks",
  title="Amaral and Meireles pledge 'new chapter' after talks at Belém Palace",
  published="2026-10-13T17:45:00Z", author="Julia Marchetti", genre="report",
  body="""
LISBON --- Brazilian President Helena Amaral and Portuguese President Duarte Meireles pledged on Tuesday to open "a new chapter" in relations between the two countries after nearly three hours of talks at Belém Palace, the Portuguese presidential residence overlooking the Tagus.

FIG: President Helena Amaral, left, and President Duarte Meireles in the gardens of Belém Palace on Tuesday.

The meeting, the centrepiece of Amaral's two-day state visit to Portugal, ended with the signing of a memorandum of understanding on the proposed Atlântida subsea data cable between Sines and Recife, and a joint declaration committing both governments to conclude a long-delayed mobility agreement for students and workers.

"Portugal and Brazil have spoken the same language for five centuries. It is time our bureaucracies did too," Meireles told reporters in the palace courtyard after the talks.

Amaral, who arrived in Lisbon on Monday evening accompanied by Foreign Minister Marcos Tavares Lima and a delegation of about 40 business leaders, said the cable would "put Brazil one click closer to Europe".

## Pensions still unresolved

Officials on both sides acknowledged that the most contentious issue --- the transfer of pension rights for the roughly 400,000 Brazilians living and working in Portugal --- remained unresolved. Portuguese Foreign Minister Rui Valadares, who sat in on the talks, said he would travel to Brasília "before the end of the month" to continue negotiations.

The trip is Amaral's first to Europe since taking office. She is due to address the Assembly of the Republic on Wednesday before flying to Porto, where she will open a bilateral trade forum.
""",
  keep=["after nearly three hours of talks at Belém Palace, the Portuguese presidential residence overlooking the Tagus",
        "\"Portugal and Brazil have spoken the same language for five centuries. It is time our bureaucracies did too,\" Meireles told reporters",
        "said he would travel to Brasília \"before the end of the month\" to continue negotiations"],
  comments=[("Rita_S", "Finally some movement on pensions. My father waited six years for his contributions to be recognised."),
            ("jpcosta", "Another memorandum. Wake me up when something is actually signed."),
            ("Atlantic_Lou", "The cable is the real story here. Nobody is talking about who will own it.")])

A(key="lo-e1", outlet="lo", event="E1", fmt="txt", section="world",
  slug="amaral-hails-historic-lisbon-visit",
  title="Brazil's president hails 'historic' Lisbon visit as cable deal signed",
  published="2026-10-13T19:20:00Z", author="Owen Prys", genre="report",
  body="""
Brazil's President Helena Amaral on Tuesday described her state visit to Portugal as "historic" after talks with her Portuguese counterpart, Duarte Meireles, at Belém Palace in Lisbon produced an agreement on a new transatlantic data cable.

The two leaders signed a memorandum of understanding on the Atlântida cable, a 6,200-kilometre fibre-optic link that would run from the Portuguese port of Sines to Recife in north-eastern Brazil. Officials put the cost of the project at about €1.1bn, to be shared between public and private investors.

"This cable is not just about internet speeds. It is about where Brazil's data lives, and who it trusts," Amaral said at a joint press conference.

Meireles said the two countries had also agreed to "accelerate" talks on a mobility agreement that would make it easier for students and skilled workers to move between them. He gave no timetable.

A spokesperson for the Portuguese foreign ministry said Foreign Minister Rui Valadares would lead a follow-up mission to Brasília later this month.

Amaral was greeted at the palace by a guard of honour and a small crowd of Brazilian residents waving flags. About 400,000 Brazilians live in Portugal, making them the country's largest foreign community.
""",
  keep=["The two leaders signed a memorandum of understanding on the Atlântida cable, a 6,200-kilometre fibre-optic link that would run from the Portuguese port of Sines to Recife in north-eastern Brazil.",
        "\"This cable is not just about internet speeds. It is about where Brazil's data lives, and who it trusts,\" Amaral said at a joint press conference."])

A(key="bd-e1", outlet="bd", event="E1", fmt="txt", section="world",
  slug="lisbon-summit-pension-question",
  title="Lisbon summit leaves pension question hanging",
  published="2026-10-14T07:05:00Z", author="Marta Kowalczyk", genre="report",
  body="""
Portugal and Brazil ended a presidential summit in Lisbon on Tuesday with warm words and a signed cable deal, but without agreement on the pension dispute that has soured relations for the past two years.

Brazilian President Helena Amaral and Portuguese President Duarte Meireles met for talks at Belém Palace, the Portuguese head of state's official residence, and later attended a state dinner at the Ajuda National Palace.

According to a Brazilian diplomat briefed on the talks, the two sides "came close" on a formula that would let Brazilian workers transfer contributions paid into Portugal's social security system when they return home, but failed to settle how much of the cost each treasury would bear.

"We are not there yet. But we are closer than we were in the spring," said the diplomat, who asked not to be named because the negotiations are continuing.

The issue has become politically sensitive in Brazil, where associations representing returning migrants say thousands of workers have lost years of contributions. In Portugal, the finance ministry has warned that an open-ended commitment could cost hundreds of millions of euros.

Portuguese Foreign Minister Rui Valadares is expected in Brasília in the last week of October to pick up the negotiations. He will meet his Brazilian counterpart, Marcos Tavares Lima, and is likely to be received by President Amaral.
""",
  keep=["\"We are not there yet. But we are closer than we were in the spring,\" said the diplomat",
        "Portuguese Foreign Minister Rui Valadares is expected in Brasília in the last week of October to pick up the negotiations."])

# ---------------------------------------------------------------------------
# E2  Central Bank of Iceland rate cut
# ---------------------------------------------------------------------------

A(key="mw-e2", outlet="mw", event="E2", fmt="rss", section="business",
  slug="iceland-central-bank-cuts-key-rate",
  title="Iceland's central bank cuts key rate to 6.5% as inflation eases",
  published="2026-10-14T10:12:00Z", author="Ingrid Solveig", genre="report",
  body="""
REYKJAVÍK, Oct 14 (Meridian Wire) --- The Central Bank of Iceland cut its key interest rate by 25 basis points to 6.5 percent on Wednesday, its third reduction this year, citing a steady fall in inflation and a cooling housing market.

The decision by the five-member monetary policy committee was split, with three members voting for the cut and two preferring to hold the rate at 6.75 percent, Governor Sigrún Hallsdóttir told a news conference in Reykjavík.

"Inflation has come down faster than we expected in the summer, but it is not yet where it needs to be. We will move carefully," Hallsdóttir said.

Annual inflation fell to 3.9 percent in September from 4.4 percent in August, according to Statistics Iceland. The bank's target is 2.5 percent.

The króna weakened about 0.4 percent against the euro after the announcement.

Economists had been divided ahead of the meeting. A majority of those polled by Meridian Wire last week expected the bank to hold rates.

The bank will publish its next decision on Dec. 9.
""",
  keep=["The Central Bank of Iceland cut its key interest rate by 25 basis points to 6.5 percent on Wednesday",
        "\"Inflation has come down faster than we expected in the summer, but it is not yet where it needs to be. We will move carefully,\" Hallsdóttir said."])

A(key="ng-e2", outlet="ng", event="E2", fmt="html", section="business",
  slug="iceland-central-bank-trims-rates-split-vote",
  title="Iceland's central bank trims rates in split vote",
  published="2026-10-14T13:30:00Z", author="Fiona McCrae", genre="report",
  body="""
The Central Bank of Iceland lowered its benchmark rate by a quarter of a percentage point to 6.5 per cent on Wednesday, but the narrowest of votes on its monetary policy committee suggested that the easing cycle may be nearing its end.

Governor Sigrún Hallsdóttir said the 3--2 decision reflected "a genuine difference of views" about how quickly price pressures would fade. Two members, including deputy governor Einar Thorlacius, voted to keep the rate at 6.75 per cent.

"We have made good progress. The question now is how much of the last mile we can run without stumbling," Ms Hallsdóttir said at the bank's headquarters in Reykjavík.

## Housing market cools

The bank pointed to a slowdown in house prices in the capital region, where prices rose 3.1 per cent in the year to September, a fraction of the pace seen at the height of the boom. Rents, however, continue to climb.

Two of the country's largest lenders said they would pass on the cut to variable-rate borrowers from 1 November.

Guðrún Ólafsdóttir, an economist at the Reykjavík brokerage Hafnarberg, said the tone of the statement mattered more than the cut itself. "It's a cut with the handbrake on," she said.
""",
  keep=["Governor Sigrún Hallsdóttir said the 3–2 decision reflected \"a genuine difference of views\" about how quickly price pressures would fade.",
        "\"It's a cut with the handbrake on,\" she said."],
  comments=[("Hekla88", "A quarter point. My mortgage will notice about as much as the bank notices me."),
            ("T. Marsh", "Sensible. Better slow and steady than another round of panic hikes.")])

A(key="bd-e2", outlet="bd", event="E2", fmt="txt", section="business",
  slug="iceland-cuts-rates-third-time",
  title="Iceland cuts rates for third time this year",
  published="2026-10-14T16:40:00Z", author="Ben Ellery", genre="report",
  flaws=["merged-words"], drop=["Beyondthe", "themoment", "officialssaid"],
  body="""
Iceland's central bank cut its main interest rate to 6.5% on Wednesday, the third reduction this year, as inflation continued to ease from the highs of recent years.

Governor Sigrún Hallsdóttir said the bank's monetary policy committee had been split, with two of its five members voting to hold rates at 6.75%. "This is not a victory lap," she said. "Inflation is still well above our target and wages are rising faster than productivity."

Inflation stood at 3.9% in September, down from 4.4% the month before. The bank targets 2.5%.

Beyondthe headline decision, the bank's statement struck a cautious tone, warning that a tight labour market and rising rents could slow further progress.

For households, the cut will bring modest relief. Borrowers on non-indexed variable-rate mortgages could see monthly payments fall by around 1%, according to estimates published by two of the country's banks.

For themoment, most analysts expect the bank to pause at its next meeting in December. Central bank officialssaid the committee would "look at every new data point" before deciding.
""",
  keep=["\"This is not a victory lap,\" she said.",
        "Inflation stood at 3.9% in September, down from 4.4% the month before. The bank targets 2.5%."])

A(key="hc-e2", outlet="hc", event="E2", fmt="html", section="business",
  slug="iceland-rate-cut-what-it-means",
  title="Iceland's rate cut: what it means for borrowers and the króna",
  published="2026-10-15T06:30:00Z", author="Priya Raman", genre="report",
  body="""
REYKJAVÍK --- Iceland's central bank cut its key interest rate by a quarter point to 6.5 percent on Wednesday, extending an easing cycle that began last year but signaling that further reductions are far from certain.

Key points from the decision:

- The rate fell from 6.75 percent to 6.5 percent, the third cut of 2026.
- The monetary policy committee split 3--2, with two members voting to hold.
- Annual inflation was 3.9 percent in September, against a 2.5 percent target.
- The next decision is due on December 9.

Governor Sigrún Hallsdóttir told reporters that the bank would "not be rushed" by markets. "We cut today because the data allowed us to. The data will decide the next step as well," she said.

## Borrowers

Icelandic households hold a large share of inflation-indexed mortgages, which respond to price rises rather than directly to the policy rate. Those on non-indexed variable loans will feel the cut first. Lenders have typically passed on changes within a month.

## The króna

The currency slipped about 0.4 percent against the euro after the announcement, a muted reaction that suggested the move had been partly priced in by traders.

FIG: The Central Bank of Iceland's headquarters in Reykjavík.

Tourism, Iceland's largest source of foreign currency, has had a strong year. A weaker króna would help exporters but push up the cost of imported goods, a risk the bank flagged in its statement.
""",
  keep=["The monetary policy committee split 3–2, with two members voting to hold.",
        "\"We cut today because the data allowed us to. The data will decide the next step as well,\" she said.",
        "Icelandic households hold a large share of inflation-indexed mortgages"],
  comments=[("fjord_runner", "Good explainer. The bit about indexed mortgages is what most foreign coverage misses."),
            ("Sam W.", "Still 6.5%. Try buying a flat in Reykjavík on that."),
            ("K. Olsen", "The króna barely moved, so the market clearly saw this coming.")])

A(key="eb-e2", outlet="eb", event="E2", fmt="atom", section="business",
  slug="reykjavik-cautious-cut-december",
  title="Reykjavík's cautious cut leaves markets guessing about December",
  published="2026-10-15T09:00:00Z", author="Kenji Harada", genre="report",
  body="""
The Central Bank of Iceland's decision to lower its policy rate to 6.5 percent on Wednesday was expected by some, feared by others and, judging by the reaction in the currency market, largely shrugged off.

What stood out was the vote. Governor Sigrún Hallsdóttir's committee split three to two, with deputy governor Einar Thorlacius among those who wanted to wait.

"When the deputy governor dissents, you listen," said Bjarki Sveinsson, head of research at the Reykjavík brokerage Hafnarberg. "I'd put December at no better than even odds."

The bank's own projections show inflation returning to its 2.5 percent target only in the second half of 2027. Wage settlements due next spring are seen as the main risk.

Hallsdóttir, who took over as governor eighteen months ago, has repeatedly said she would rather cut too slowly than be forced to reverse course. On Wednesday she repeated the point: "Credibility is built in years and lost in a quarter."
""",
  keep=["\"When the deputy governor dissents, you listen,\" said Bjarki Sveinsson, head of research at the Reykjavík brokerage Hafnarberg.",
        "\"Credibility is built in years and lost in a quarter.\""])

# ---------------------------------------------------------------------------
# E3  Port of Gdańsk strike
# ---------------------------------------------------------------------------

A(key="hc-e3", outlet="hc", event="E3", fmt="html", section="business",
  slug="gdansk-dockworkers-strike-crane-automation",
  title="Gdańsk dockworkers walk out over crane automation",
  published="2026-10-19T11:20:00Z", author="Tom Ashdown", genre="report",
  flaws=["lossy-mojibake"],
  body="""
GDAŃSK, Poland --- Thousands of dockworkers at the Port of Gdańsk began a 72-hour strike at 6 a.m. on Monday, halting container operations at Poland's busiest port in a dispute over plans to introduce remote-controlled cranes.

FIG: Striking dockworkers outside the gates of Vistula Container Terminal in Gdańsk on Monday.

The Baltic Dockworkers' Union (BDU) said about 2,300 members had joined the walkout --- nearly the entire workforce at the port's two container terminals. By midday, 17 ships were waiting at anchor in the Gulf of Gdańsk, according to the port authority.

"Nobody is against new machines. We are against machines that arrive with a list of names of people who must go home," BDU chairman Tomasz Wierzbicki told strikers gathered outside the gates of Vistula Container Terminal.

The terminal's operator plans to convert 14 ship-to-shore cranes to remote operation by 2028, a program the union says would put about 400 jobs at risk. The company says no one will be made redundant and that retraining will be offered to all crane drivers.

## €9m a day

Paweł Zając, a spokesman for the Port of Gdańsk Authority, said the stoppage could cost the regional economy "in the region of €9m a day" once knock-on effects on rail and trucking were counted. Grain and coal terminals, which employ members of a different union, were working normally.

Deputy Infrastructure Minister Agnieszka Rudnicka said the government would not intervene "at this stage" but urged both sides to return to mediation.

The strike is due to end at 6 a.m. on Thursday.
""",
  keep=["Thousands of dockworkers at the Port of Gdańsk began a 72-hour strike at 6 a.m. on Monday",
        "\"Nobody is against new machines. We are against machines that arrive with a list of names of people who must go home,\" BDU chairman Tomasz Wierzbicki told strikers",
        "Paweł Zając, a spokesman for the Port of Gdańsk Authority, said the stoppage could cost the regional economy \"in the region of €9m a day\""],
  comments=[("docker_dad", "Respect to the lads on the gate. Automation always means fewer jobs, whatever they promise."),
            ("BalticTrader", "Meanwhile my containers sit offshore. Someone has to pay for this."),
            ("M. Nowak", "Both sides should be locked in a room until they agree.")])

A(key="cd-e3", outlet="cd", event="E3", fmt="html", section="economy",
  slug="ships-queue-gdansk-strike-second-day",
  title="Ships queue in Gulf of Gdańsk as port strike enters second day",
  published="2026-10-20T08:15:00Z", author="Daniel Osei", genre="report",
  body="""
GDAŃSK --- The number of vessels waiting to enter the Port of Gdańsk rose to 23 on Tuesday as a strike by dockworkers entered its second day, with no sign of talks between the union and the operator of the port's largest container terminal.

Shipping lines began diverting cargo to other Baltic ports. At least two container ships bound for Gdańsk were rerouted overnight to Gdynia, 25 km to the north, according to vessel-tracking data.

"Every hour this continues, customers are learning that there are other ports on the Baltic," said Marek Lis, a freight forwarder based in nearby Pruszcz Gdański.

The Baltic Dockworkers' Union called the 72-hour stoppage after the collapse of mediation over automation at Vistula Container Terminal, which plans to switch 14 ship-to-shore cranes to remote control over the next two years.

Terminal chief executive Henrik Vos said the company had offered a guarantee of no compulsory redundancies until 2030. "We have put more on the table than any terminal in northern Europe. The union has not moved an inch," he said in a statement.

The union disputes that account. Its chairman, Tomasz Wierzbicki, said the guarantee "is worth nothing if half the jobs quietly disappear through natural attrition".

Poland's Deputy Infrastructure Minister Agnieszka Rudnicka was due to meet both sides in Warsaw on Wednesday.
""",
  keep=["The number of vessels waiting to enter the Port of Gdańsk rose to 23 on Tuesday",
        "\"Every hour this continues, customers are learning that there are other ports on the Baltic,\" said Marek Lis",
        "Terminal chief executive Henrik Vos said the company had offered a guarantee of no compulsory redundancies until 2030."],
  comments=[("Ola K.", "Gdynia must be delighted."),
            ("northern_ports", "A no-redundancy guarantee until 2030 sounds generous to me. What happens in 2031 is the question.")])

A(key="lo-e3", outlet="lo", event="E3", fmt="txt", section="business",
  slug="baltic-port-strike-what-we-know",
  title="Baltic port strike: what we know so far",
  published="2026-10-20T14:00:00Z", author="Grace Whitlow", genre="report",
  flaws=["bare-headings"],
  body="""
A strike at the Port of Gdańsk, one of the largest container hubs on the Baltic Sea, is in its second day. Here is what we know.

## Why the dockers walked out

The Baltic Dockworkers' Union says plans by Vistula Container Terminal to operate 14 cranes by remote control from an office building will cost about 400 jobs. The company says retraining will be offered to every affected worker and that there will be no forced redundancies.

## How long it will last

The union called a 72-hour stoppage, which began at 6am local time on Monday and is due to end on Thursday morning. Union chairman Tomasz Wierzbicki has said further action is "not excluded" if the company does not return to talks.

## The cost to shippers

Port officials say the stoppage could cost around €9m a day. By Tuesday, 23 vessels were anchored offshore, and some shipping lines had begun sending cargo to Gdynia instead.

## What the government says

Poland's deputy infrastructure minister, Agnieszka Rudnicka, has offered to host talks in Warsaw. "The port belongs to the whole country, not just to the people who run it or work in it," she said on Tuesday.
""",
  keep=["Why the dockers walked out",
        "The union called a 72-hour stoppage, which began at 6am local time on Monday and is due to end on Thursday morning.",
        "\"The port belongs to the whole country, not just to the people who run it or work in it,\" she said on Tuesday."])

A(key="ng-e3", outlet="ng", event="E3", fmt="html", section="business",
  slug="gdansk-strike-talks-resume-warsaw",
  title="Gdańsk strike talks to resume in Warsaw as backlog grows",
  published="2026-10-21T07:45:00Z", author="Edward Pell", genre="report",
  flaws=["merged-words", "html-entities"], drop=["Governmentofficials", "closelywatched", "themoment"],
  body="""
Union leaders and the operator of Vistula Container Terminal in Gdańsk agreed on Tuesday night to return to the negotiating table, raising hopes that the three-day strike that has paralysed container traffic at the Polish port will not be extended.

The talks, to be chaired by Deputy Infrastructure Minister Agnieszka Rudnicka, are due to begin in Warsaw on Wednesday afternoon. Governmentofficials said both sides had accepted an agenda that includes the pace of crane automation, retraining guarantees and a one-off payment for crane drivers.

"It is not a deal. It is a door that was closed and is now open," said Tomasz Wierzbicki, chairman of the Baltic Dockworkers' Union.

## A growing queue

By Tuesday evening 26 vessels were at anchor in the Gulf of Gdańsk, and the port authority said it would take "at least a week" to clear the backlog once work resumed. Several exporters said perishable goods were at risk.

Vistula Container Terminal's chief executive, Henrik Vos, said in a statement that the company was "ready to be flexible on timing but not on the principle" of automation.

The dispute is being closelywatched across the region. Dock unions in Gdynia and in the Lithuanian port of Klaipėda have issued statements of solidarity, though neither has threatened action of its own.

The strike is scheduled to end at 6am on Thursday. For themoment, the union has not announced further stoppages.
""",
  keep=["\"It is not a deal. It is a door that was closed and is now open,\" said Tomasz Wierzbicki, chairman of the Baltic Dockworkers' Union.",
        "By Tuesday evening 26 vessels were at anchor in the Gulf of Gdańsk",
        "Dock unions in Gdynia and in the Lithuanian port of Klaipėda have issued statements of solidarity"],
  comments=[("Pete from Hull", "Seen this film before. The cranes will come, it's only a question of when."),
            ("anna_g", "Good that the minister is finally involved.")])

A(key="bd-e3", outlet="bd", event="E3", fmt="txt", section="business",
  slug="could-gdansk-strike-spread",
  title="Could the Gdańsk strike spread to other Baltic ports?",
  published="2026-10-21T12:30:00Z", author="Sophie Tan", genre="speculation",
  flaws=["bare-headings"],
  body="""
The three-day walkout at the Port of Gdańsk may be due to end on Thursday, but the questions it has raised about automation on the Baltic could linger for much longer.

## Could other ports follow?

Analysts suggest that dockworkers elsewhere on the Baltic are watching closely. Unions in Gdynia and Klaipėda have issued statements of support, and some observers believe that similar plans for remote-controlled cranes at other terminals could become the next flashpoint. It remains unclear whether any of them would be prepared to strike, and none has said so publicly.

"If Gdańsk wins concessions, you could possibly see a domino effect," said one shipping consultant, who asked not to be named. "Or the whole thing may fizzle out by the weekend."

## Will the talks in Warsaw succeed?

That may depend on how much the terminal operator is prepared to give on timing. Some industry sources suggest the company could agree to slow its automation programme by a year or more, though it has given no public sign of any such willingness.

## What could it cost?

Estimates vary widely. Port officials have put the cost at around €9m a day, but economists say the real figure could be higher if shipping lines decide to move services permanently to rival ports. Whether that happens may only become clear in the coming months.

## Is a longer strike possible?

The union has said further action is "not excluded". It is not known whether members would support an open-ended stoppage, which would likely carry a much higher financial cost for workers.
""",
  keep=["Could other ports follow?",
        "It remains unclear whether any of them would be prepared to strike, and none has said so publicly.",
        "\"If Gdańsk wins concessions, you could possibly see a domino effect,\" said one shipping consultant"])

# ---------------------------------------------------------------------------
# E4  Valadares in Brasília (thread T1)
# ---------------------------------------------------------------------------

A(key="hc-e4", outlet="hc", event="E4", fmt="html", section="world",
  slug="portugal-foreign-minister-meets-amaral-brasilia",
  title="Portugal's foreign minister meets Amaral in Brasília as pension talks resume",
  published="2026-10-27T20:40:00Z", author="Nadia Ferreira-Holt", genre="report",
  body="""
BRASÍLIA --- Portuguese Foreign Minister Rui Valadares held three hours of closed-door talks with Brazilian President Helena Amaral at the Planalto Palace on Tuesday, in an effort to break a two-year deadlock over pension rights for Brazilian workers in Portugal.

Valadares arrived in the Brazilian capital on Monday evening and began the day with a working breakfast at the Itamaraty Palace with his Brazilian counterpart, Foreign Minister Marcos Tavares Lima. He was then received by Amaral in the afternoon.

FIG: Rui Valadares speaks to reporters outside the Planalto Palace in Brasília on Tuesday.

Neither side gave details of what was discussed. In a brief statement afterward, the Brazilian presidency described the meeting as "frank and productive" and said the two governments had agreed to "intensify technical work" with the aim of concluding a social security agreement before the end of the year.

"We did not come to Brasília for photographs. We came to close files," Valadares told reporters as he left the palace.

## Follow-up to Lisbon summit

The visit follows a state visit by Amaral to Lisbon two weeks ago, where she and Portuguese President Duarte Meireles signed a memorandum on the Atlântida subsea cable and pledged to speed up a mobility agreement. Pensions were the one item on which no progress was announced.

About 400,000 Brazilians live in Portugal. Migrant associations say many lose years of contributions when they return home because the two social security systems do not recognize each other's records.

Valadares is due to travel to São Paulo on Wednesday to meet business leaders before returning to Lisbon.
""",
  keep=["Portuguese Foreign Minister Rui Valadares held three hours of closed-door talks with Brazilian President Helena Amaral at the Planalto Palace on Tuesday",
        "\"We did not come to Brasília for photographs. We came to close files,\" Valadares told reporters as he left the palace.",
        "Valadares is due to travel to São Paulo on Wednesday to meet business leaders before returning to Lisbon."],
  comments=[("Bruno_SP", "Three hours for a statement that says nothing. Classic."),
            ("Lisboeta", "At least someone is finally talking about pensions instead of cables.")])

A(key="mw-e4", outlet="mw", event="E4", fmt="rss", section="world",
  slug="portugal-brazil-pension-deal-brasilia-talks",
  title="Portugal, Brazil edge closer on pension deal after marathon Brasília talks",
  published="2026-10-27T22:10:00Z", author="Lucas Brennan", genre="report",
  body="""
BRASÍLIA, Oct 27 (Meridian Wire) --- Portuguese Foreign Minister Rui Valadares and Brazilian President Helena Amaral agreed on Tuesday to aim for a social security agreement by the end of the year, after talks at the Planalto Palace that lasted more than four hours.

The closed-door meeting ran well beyond its scheduled 90 minutes, forcing Amaral to cancel a planned appearance at a housing event in the capital, according to two officials familiar with her schedule.

"It was a long meeting because there was a lot to discuss, and because for the first time we were discussing numbers, not principles," Valadares told Meridian Wire after leaving the palace.

The two governments have been at odds for two years over how to credit pension contributions made by Brazilian workers in Portugal. Lisbon has resisted an arrangement that would commit its social security fund to open-ended transfers.

A Brazilian official said the two sides had agreed to set up a joint technical committee that would meet in Lisbon in November. Brazilian Foreign Minister Marcos Tavares Lima is expected to attend.

The visit comes two weeks after Amaral's state visit to Portugal, during which she and President Duarte Meireles signed a memorandum on a 6,200-km subsea data cable between Sines and Recife.
""",
  keep=["after talks at the Planalto Palace that lasted more than four hours",
        "\"It was a long meeting because there was a lot to discuss, and because for the first time we were discussing numbers, not principles,\" Valadares told Meridian Wire"])

A(key="ng-e4", outlet="ng", event="E4", fmt="html", section="world",
  slug="valadares-roadmap-amaral-brasilia",
  title="Valadares wins 'roadmap' from Amaral after long Brasília meeting",
  published="2026-10-28T07:00:00Z", author="Samuel Okafor", genre="report",
  body="""
Rui Valadares, the former deputy foreign minister who has led Portugal's negotiations with Brazil for much of the past year, emerged from more than four hours of talks with President Helena Amaral in Brasília on Tuesday with what Portuguese officials called "a roadmap" to a pensions deal.

FIG: Rui Valadares, right, is greeted by President Helena Amaral at the Planalto Palace.

The meeting at the Planalto Palace, held behind closed doors, was the longest encounter between Ms Amaral and a Portuguese official since she took office, according to a Brazilian government source.

Mr Valadares told reporters the talks had been "demanding, as talks between friends should be". He declined to say whether Lisbon had moved on its refusal to fund open-ended transfers.

## What is at stake

Migrant associations estimate that as many as 60,000 Brazilians who have worked in Portugal since 2010 may have lost pension credit on returning home. Portuguese finance ministry officials have warned that the cost of a retroactive deal could run to several hundred million euros.

The Brazilian presidency said the two sides would create a technical committee to report by mid-December.

Mr Valadares, who travels to São Paulo today, began the visit on Monday evening with a dinner at the Portuguese embassy attended by Brazilian business leaders and several members of Congress.

The trip follows the state visit of Ms Amaral to Lisbon earlier this month, where she held talks with President Duarte Meireles at Belém Palace.
""",
  keep=["Rui Valadares, the former deputy foreign minister who has led Portugal's negotiations with Brazil for much of the past year",
        "Mr Valadares told reporters the talks had been \"demanding, as talks between friends should be\".",
        "where she held talks with President Duarte Meireles at Belém Palace"],
  comments=[("G. Pinto", "A roadmap. Wonderful. We have had three roadmaps already."),
            ("expat_in_braga", "60,000 people is not a small number. This matters to real families."),
            ("Ledger reader", "Good, clear piece. Thank you.")])

A(key="mw-e4-es", outlet="mw", event="E4", fmt="jsonl", section="world", lang="es",
  slug="portugal-brasil-hoja-de-ruta-pensiones",
  title="Portugal y Brasil acuerdan una hoja de ruta sobre pensiones tras más de cuatro horas de reunión",
  published="2026-10-28T09:30:00Z", author="Carmen Ortega", genre="report",
  body="""
BRASILIA, 27 oct (Meridian Wire) --- El ministro de Asuntos Exteriores de Portugal, Rui Valadares, y la presidenta de Brasil, Helena Amaral, acordaron el martes intentar cerrar antes de fin de año un acuerdo de seguridad social, tras una reunión a puerta cerrada en el Palacio del Planalto que se prolongó durante más de cuatro horas.

El encuentro superó con creces los 90 minutos previstos, según dos funcionarios que conocen la agenda de la presidenta, que tuvo que cancelar un acto público previsto para la tarde.

«Fue una reunión larga porque había mucho que discutir y porque, por primera vez, hablamos de cifras y no de principios», declaró Valadares a Meridian Wire al salir del palacio.

Los dos gobiernos discrepan desde hace dos años sobre cómo reconocer las cotizaciones que los trabajadores brasileños realizan en Portugal. Lisboa se ha negado hasta ahora a asumir transferencias sin límite a cargo de su sistema de seguridad social.

Según un funcionario brasileño, ambas partes crearán un comité técnico conjunto que se reunirá en Lisboa en noviembre. Está previsto que asista el canciller brasileño, Marcos Tavares Lima.

La visita se produce dos semanas después de la visita de Estado de Amaral a Portugal, donde firmó con el presidente Duarte Meireles un memorando sobre un cable submarino de datos entre Sines y Recife.
""",
  keep=["tras una reunión a puerta cerrada en el Palacio del Planalto que se prolongó durante más de cuatro horas",
        "«Fue una reunión larga porque había mucho que discutir y porque, por primera vez, hablamos de cifras y no de principios», declaró Valadares a Meridian Wire al salir del palacio."])

A(key="eb-e4", outlet="eb", event="E4", fmt="atom", section="analysis",
  slug="analysis-lisbon-brasilia-rediscover",
  title="Analysis: Lisbon and Brasília rediscover each other -- slowly",
  published="2026-10-29T06:00:00Z", author="Rosa Menéndez", genre="analysis",
  flaws=["lossy-mojibake"],
  body="""
Two visits in a fortnight --- first Brazilian President Helena Amaral at Belém Palace in Lisbon, then Portuguese Foreign Minister Rui Valadares at the Planalto Palace in Brasília --- have given the impression of a relationship in full bloom. The reality is more complicated, and more interesting.

For most of the past decade, ties between Portugal and Brazil ran on autopilot: shared language, deep family links and a steady flow of migrants in both directions, but little strategic ambition. Brazil's diplomats at Itamaraty looked to Beijing, Washington and their South American neighbours; Lisbon's looked to Brussels.

## Three files, one bottleneck

What has changed is a set of concrete, bankable projects. The Atlântida subsea cable between Sines and Recife, priced at about €1.1bn, would give Brazil a direct data route to Europe that bypasses North America. A mobility agreement would formalise the movement of students and skilled workers that is already happening informally. And a pensions deal would settle a grievance that has festered among the roughly 400,000 Brazilians in Portugal.

The first two are popular and cheap. The third is neither. Portugal's finance ministry fears open-ended liabilities; Brazil's Congress --- and particularly members of the Câmara dos Deputados elected with the votes of returning migrants --- wants retroactive credit.

"Everyone agrees on the cable because nobody has to pay for it yet," said Beatriz Coutinho, a researcher on Lusophone relations based in São Paulo. "Pensions are where the friendship gets tested."

## A personal channel

Much depends on Valadares himself. A career diplomat who served in Brasília early in his career, he is one of the few senior Portuguese officials with a personal rapport with Amaral's team. Accounts of his latest meeting with the president --- described as lasting anywhere from three to more than four hours --- suggest that both sides are at least willing to talk numbers.

Whether that translates into a signed agreement by December, as both governments now say they want, is another matter. Two previous deadlines have come and gone.
""",
  keep=["Brazil's diplomats at Itamaraty looked to Beijing, Washington and their South American neighbours; Lisbon's looked to Brussels.",
        "\"Everyone agrees on the cable because nobody has to pay for it yet,\" said Beatriz Coutinho, a researcher on Lusophone relations based in São Paulo.",
        "Brazil's Congress — and particularly members of the Câmara dos Deputados elected with the votes of returning migrants — wants retroactive credit."])

# ---------------------------------------------------------------------------
# E5  Fernhall Energy data breach
# ---------------------------------------------------------------------------

A(key="hc-e5", outlet="hc", event="E5", fmt="html", section="business",
  slug="fernhall-energy-hackers-stole-customer-data",
  title="Fernhall Energy says hackers stole data of 2.4 million customers",
  published="2026-10-29T12:05:00Z", author="Priya Raman", genre="report",
  body="""
LONDON --- Fernhall Energy, one of Britain's largest independent gas and electricity suppliers, said on Thursday that hackers had stolen personal data belonging to about 2.4 million customers, including names, addresses, dates of birth and the last four digits of bank account numbers.

The Reading-based company said it detected "unauthorized activity" on a billing system operated by a third-party contractor on October 24 and took the system offline the same day. It has notified the Information Commissioner's Office and the police.

"I am deeply sorry. Our customers trusted us with their information and we let them down," chief executive Martin Coley said in a video statement posted on the company's website.

Fernhall said there was no evidence that passwords or full card details had been taken, and that customers' energy supply was not affected. It is offering all affected customers a £40 account credit and two years of free credit monitoring.

## Who is behind it

A group calling itself Grey Lantern claimed responsibility on a leak site on Wednesday night, posting what it said were samples of the stolen files. Fernhall declined to comment on the claim or on whether it had received a ransom demand.

Security researcher Alisha Moreno said the samples appeared genuine. "This is a classic supply-chain breach. The attackers didn't need to get into Fernhall at all --- they went through a contractor," she said.

Customers have been told to be alert to phishing emails and calls claiming to be from the company.
""",
  keep=["said on Thursday that hackers had stolen personal data belonging to about 2.4 million customers",
        "\"I am deeply sorry. Our customers trusted us with their information and we let them down,\" chief executive Martin Coley said",
        "It is offering all affected customers a £40 account credit and two years of free credit monitoring."],
  comments=[("Jen B.", "I'm a customer and I haven't had an email yet. Found out from this article."),
            ("oldtechie", "£40. That's what my identity is worth, apparently.")])

A(key="ng-e5", outlet="ng", event="E5", fmt="html", section="business",
  slug="fernhall-breach-regulator-inquiry",
  title="Fernhall breach: customers offered £40 as regulator opens inquiry",
  published="2026-10-29T15:20:00Z", author="Fiona McCrae", genre="report",
  body="""
The Information Commissioner's Office said on Thursday it was making "urgent enquiries" into a cyber attack at Fernhall Energy, after the supplier revealed that the personal details of 2.4 million customers had been stolen.

Fernhall, which supplies gas and electricity to about 3.1 million homes and small businesses across England and Wales, said the breach occurred at a billing contractor, Oakridge Data Services. The contractor said in a brief statement that it was "working around the clock" with investigators.

The stolen data includes names, postal addresses, dates of birth, phone numbers and partial bank details. Chief executive Martin Coley said the company would credit every affected account with £40 and pay for two years of credit monitoring.

## Small firms caught up

FIG: Fernhall's head office in Reading. The company supplies about 3.1 million homes and businesses.

Small businesses were among those affected. "We're a café with eleven tables. I don't have time to watch my bank account every hour," said Renée Walsh, who runs a café in Newbury and has been a Fernhall customer since 2019.

Under data protection law, the regulator can fine companies up to £17.5m or 4 per cent of global turnover, whichever is higher.

Shares in Fernhall Group, the supplier's listed parent company, fell 6 per cent in London.
""",
  keep=["the personal details of 2.4 million customers had been stolen",
        "\"We're a café with eleven tables. I don't have time to watch my bank account every hour,\" said Renée Walsh, who runs a café in Newbury",
        "the regulator can fine companies up to £17.5m or 4 per cent of global turnover"],
  comments=[("Newbury Nick", "Renée's café does the best scones in Berkshire. Hope she's OK."),
            ("D. Fraser", "Another contractor, another breach. When will the fines actually bite?")])

A(key="lo-e5", outlet="lo", event="E5", fmt="txt", section="business",
  slug="fernhall-customers-angry-over-hack",
  title="'I only found out from the news': Fernhall customers angry over hack",
  published="2026-10-30T09:10:00Z", author="Grace Whitlow", genre="report",
  flaws=["lossy-mojibake", "bare-headings"],
  body="""
Customers of Fernhall Energy have criticised the supplier for the way it told them about a cyber attack that exposed the personal details of 2.4 million people, with many saying they learned of the breach from news reports rather than from the company.

Fernhall said on Thursday that emails were being sent to all affected customers "over the next 48 hours". By Friday morning, however, many said they had still heard nothing.

"I only found out from the news. Then I spent forty minutes on hold," said Chloé Barnes, 34, who runs a café in Didcot and pays for both her home and business energy through Fernhall. "If they can lose my data in a day, they can email me in a day."

The company's £40 account credit has also drawn criticism. The consumer group Fair Bills Now called it "a token gesture" and said customers who fall victim to fraud should be fully compensated.

## What to do if you are a customer

Fernhall says customers should not reply to any message asking them to confirm bank details, and that it will never ask for a full card number by phone. Its helpline -- open until 10pm -- has extended hours this week.

Fernhall chief executive Martin Coley said on Friday that "every single affected customer" would receive an email by the weekend. "We know the wait has been frustrating, and I'm sorry for that," he said.
""",
  keep=["\"I only found out from the news. Then I spent forty minutes on hold,\" said Chloé Barnes, 34, who runs a café in Didcot",
        "The company's £40 account credit has also drawn criticism.",
        "Its helpline – open until 10pm – has extended hours this week."])

A(key="eb-e5", outlet="eb", event="E5", fmt="atom", section="technology",
  slug="fernhall-hack-weak-link-energy-supply-chain",
  title="Fernhall hack exposes weak link in energy supply chain",
  published="2026-10-30T18:30:00Z", author="Aiden Clarke", genre="report",
  body="""
The cyber attack on Fernhall Energy has shone a light on a part of the energy industry that rarely attracts attention: the contractors that send out bills, process meter readings and handle customer records on behalf of suppliers.

Fernhall said this week that data on 2.4 million customers had been stolen from systems run by Oakridge Data Services, a billing contractor based in Milton Keynes that also works for at least three other suppliers. None of those companies has reported a breach.

"The supplier's name is on the envelope, but the data often lives somewhere else entirely," said Dr Kavita Shah, who studies critical-infrastructure security at the Northern Institute for Cyber Policy. "Regulators have focused on the big suppliers. The contractors have been an afterthought."

The energy regulator Ofgem said it was in contact with Fernhall and would "consider whether further action is needed" once the Information Commissioner's Office had completed its inquiry.

The criminal group Grey Lantern, which has claimed responsibility, has previously targeted logistics firms in Germany and the Netherlands, according to the threat-intelligence company Sentinel Grid.

Fernhall chief executive Martin Coley has said the company will review every contract that involves customer data.
""",
  keep=["a billing contractor based in Milton Keynes that also works for at least three other suppliers",
        "\"The supplier's name is on the envelope, but the data often lives somewhere else entirely,\" said Dr Kavita Shah"])

A(key="bd-e5", outlet="bd", event="E5", fmt="txt", section="business",
  slug="fernhall-raises-hack-toll",
  title="Fernhall raises hack toll to nearly 2.8 million customers",
  published="2026-10-31T10:00:00Z", author="Ben Ellery", genre="report", enc="cp1252",
  flaws=["cp1252", "crlf"],
  body="""
Fernhall Energy said on Saturday that the number of customers whose personal details were stolen in this week's cyber attack was higher than first thought, at nearly 2.8 million, up from its initial estimate of 2.4 million.

The company said a "more complete forensic review" had found that records belonging to former customers, who left Fernhall between 2021 and 2024, were also held on the compromised system operated by its billing contractor, Oakridge Data Services.

"We gave the best figure we had at the time. It was wrong, and we are correcting it as soon as we know," chief executive Martin Coley said.

Former customers will be contacted by post, the company said, because many of their email addresses are no longer valid. They will be offered the same two years of free credit monitoring as current customers, but not the £40 account credit.

Noémie Hart, a solicitor at the consumer law firm Pryce & Hale, said the firm had been contacted by more than 900 people considering legal action. "The revised figure makes a group claim far more likely," she said.

The Information Commissioner's Office said its inquiry was continuing. Police said no arrests had been made.
""",
  keep=["at nearly 2.8 million, up from its initial estimate of 2.4 million",
        "but not the £40 account credit",
        "Noémie Hart, a solicitor at the consumer law firm Pryce & Hale"])

# ---------------------------------------------------------------------------
# E6  Lào Cai landslide
# ---------------------------------------------------------------------------

A(key="hc-e6", outlet="hc", event="E6", fmt="html", section="world",
  slug="vietnam-landslide-lao-cai-kills-12",
  title="Landslide buries homes in northern Vietnam, killing at least 12",
  published="2026-11-02T05:40:00Z", author="Tom Ashdown", genre="report",
  body="""
HANOI --- A landslide triggered by days of torrential rain buried part of a mountain village in Vietnam's northern Lào Cai province overnight, killing at least 12 people, state media and local officials said on Monday.

Seven people were missing after the hillside above Nậm Khe village in Bát Xát district collapsed at around 2 a.m., burying about 40 homes under mud and rock, according to the provincial disaster management committee.

Hoàng Văn Lực, vice-chairman of the Lào Cai provincial People's Committee, said more than 300 soldiers, police officers and volunteers were taking part in the search, but that access was hampered by a second, smaller slide that blocked the only road into the valley.

"We are digging with our hands in some places because the machines cannot reach," Lực told state television.

FIG: Rescue workers search through mud in Nậm Khe village, Lào Cai province, on Monday.

## Weeks of rain

The region has been battered by heavy rain since late October, when a tropical depression moved inland from the Gulf of Tonkin. Some parts of Lào Cai recorded more than 400 mm of rain in 72 hours, the national weather agency said.

Landslides are common in Vietnam's northern highlands during the rainy season, but officials said the scale of the Nậm Khe collapse was unusual so late in the year.
""",
  keep=["killing at least 12 people, state media and local officials said on Monday",
        "burying about 40 homes under mud and rock",
        "\"We are digging with our hands in some places because the machines cannot reach,\" Lực told state television."],
  comments=[("Mai T.", "My cousin lives in Bát Xát district. Praying for everyone there."),
            ("geo_watch", "400 mm in three days on those slopes. This was always going to happen somewhere."),
            ("R. Ellis", "Is there a way to donate to the rescue effort?")])

A(key="lo-e6", outlet="lo", event="E6", fmt="txt", section="world",
  slug="rescuers-search-vietnam-landslide",
  title="Rescuers search for missing after deadly Vietnam landslide",
  published="2026-11-02T13:25:00Z", author="Owen Prys", genre="report",
  body="""
Rescue teams in northern Vietnam were searching on Monday for survivors of a landslide that killed at least 12 people and buried dozens of homes in a remote mountain village near the Chinese border.

The slide struck Nậm Khe, a village of about 600 people in Lào Cai province, in the early hours of Monday after days of heavy rain. Local officials said seven people were unaccounted for.

Villagers described being woken by a sound "like a train" shortly before 2am. "The mountain came down in a few seconds. My neighbour's house was there, and then it was not," Giàng A Sử, 52, told state television.

The Vietnam Red Cross said it had sent emergency supplies, including tents, water purification tablets and food, for 1,500 people from surrounding villages who had been evacuated as a precaution.

The government in Hanoi ordered army units stationed in the province to join the search, and engineers were working to clear a road blocked by a second, smaller slide.

Meteorologists warned that more rain was forecast for the region over the next three days.
""",
  keep=["a landslide that killed at least 12 people and buried dozens of homes",
        "\"The mountain came down in a few seconds. My neighbour's house was there, and then it was not,\" Giàng A Sử, 52, told state television."])

A(key="mw-e6", outlet="mw", event="E6", fmt="rss", section="world",
  slug="vietnam-landslide-death-toll-rises-14",
  title="Vietnam landslide death toll rises to 14, more than 60 homes destroyed",
  published="2026-11-03T04:50:00Z", author="Mai Linh Tran", genre="report",
  body="""
HANOI, Nov 3 (Meridian Wire) --- The death toll from a landslide that struck a village in northern Vietnam's Lào Cai province rose to 14 on Tuesday, with five people still missing, provincial officials said.

Rescuers recovered two more bodies overnight from the mud that engulfed Nậm Khe village in Bát Xát district early on Monday, according to the provincial disaster management committee. More than 60 homes were destroyed or badly damaged, a higher figure than initially reported, as teams reached parts of the village that had been cut off.

"We still hope to find people alive, but every hour makes it harder," Hoàng Văn Lực, vice-chairman of the provincial People's Committee, told reporters at the scene.

About 450 soldiers, police and volunteers were involved in the search, helped by two excavators that reached the village after engineers cleared a blocked road on Monday evening.

The Vietnam Red Cross said it was supporting some 1,500 people who had been moved from surrounding hamlets to schools and community halls in the district town.

Heavy rain has lashed northern Vietnam since late October. The national weather agency warned of further downpours and a high risk of landslides in Lào Cai, Hà Giang and Yên Bái provinces through Thursday.
""",
  keep=["rose to 14 on Tuesday, with five people still missing, provincial officials said",
        "More than 60 homes were destroyed or badly damaged",
        "\"We still hope to find people alive, but every hour makes it harder,\" Hoàng Văn Lực"])

# Syndicated near-copy of mw-e6: new headline, dateline shortened,
# one sentence (the rescuers/excavators paragraph) and the wire tagline dropped.
A(key="cd-e6", outlet="cd", event="E6", fmt="html", section="world",
  slug="death-toll-vietnam-landslide-climbs-14",
  title="Death toll in Vietnam landslide climbs to 14",
  published="2026-11-03T08:30:00Z", author="Capital Dispatch staff", genre="report",
  synd="mw-e6", flaws=["syndicated"],
  body="""
HANOI --- The death toll from a landslide that struck a village in northern Vietnam's Lào Cai province rose to 14 on Tuesday, with five people still missing, provincial officials said.

Rescuers recovered two more bodies overnight from the mud that engulfed Nậm Khe village in Bát Xát district early on Monday, according to the provincial disaster management committee. More than 60 homes were destroyed or badly damaged, a higher figure than initially reported, as teams reached parts of the village that had been cut off.

"We still hope to find people alive, but every hour makes it harder," Hoàng Văn Lực, vice-chairman of the provincial People's Committee, told reporters at the scene.

The Vietnam Red Cross said it was supporting some 1,500 people who had been moved from surrounding hamlets to schools and community halls in the district town.

Heavy rain has lashed northern Vietnam since late October. The national weather agency warned of further downpours and a high risk of landslides in Lào Cai, Hà Giang and Yên Bái provinces through Thursday.
""",
  tagline="With reporting from Meridian Wire",
  keep=["rose to 14 on Tuesday, with five people still missing, provincial officials said",
        "More than 60 homes were destroyed or badly damaged, a higher figure than initially reported"],
  comments=[("Tom H.", "Terrible. Thoughts with the families."),
            ("anon_reader", "Yesterday it was 12, today 14. Hope the number stops there.")])

A(key="eb-e6", outlet="eb", event="E6", fmt="jsonl", section="world",
  slug="grief-anger-nam-khe-landslide",
  title="Grief and anger in Nậm Khe as landslide toll reaches 14",
  published="2026-11-04T07:15:00Z", author="Kenji Harada", genre="report",
  flaws=["lossy-mojibake"],
  body="""
In the district town of Bát Xát, families from Nậm Khe spent Wednesday in a school gymnasium, waiting for news of the five people still missing after Monday's landslide --- and asking why no one had told them to leave.

The confirmed death toll stood at 14 on Wednesday, provincial officials said. More than 60 homes were destroyed or badly damaged when the hillside above the village gave way before dawn on Monday.

Several residents said cracks had appeared in the slope above the village more than a week before the disaster. "We told the commune officials. They came, they looked, they said the mountain was fine," said Lò Thị Mai, 41, whose brother is among the missing.

Hoàng Văn Lực, vice-chairman of the Lào Cai provincial People's Committee, said an inquiry would examine "every warning, every decision" in the days before the slide. "If there were failures, people will answer for them," he said.

Experts say the northern highlands are increasingly vulnerable. Deforestation, road-building on steep slopes and heavier downpours linked to a warming climate have all raised the risk --- a pattern seen in several deadly rainy seasons in recent years.

Nguyễn Thanh Hà, a geologist at a university in Hanoi, said early-warning systems existed in some communes but not in others. "A sensor costs less than a funeral," she said.
""",
  keep=["\"We told the commune officials. They came, they looked, they said the mountain was fine,\" said Lò Thị Mai, 41, whose brother is among the missing.",
        "The confirmed death toll stood at 14 on Wednesday, provincial officials said.",
        "\"A sensor costs less than a funeral,\" she said."])

# ---------------------------------------------------------------------------
# E7  Northern Cup final
# ---------------------------------------------------------------------------

A(key="hc-e7", outlet="hc", event="E7", fmt="html", section="sport",
  slug="kirkby-town-win-northern-cup",
  title="Kirkby Town win Northern Cup with extra-time winner against Salford Rovers",
  published="2026-11-07T18:10:00Z", author="Tom Ashdown", genre="report",
  body="""
PRESTON --- Kirkby Town won the Northern Cup for the first time in their 112-year history on Saturday, beating Salford Rovers 2--1 after extra time in front of 21,430 spectators at Deepdale.

Substitute Luca Bellamy headed the winner in the 108th minute, meeting a corner from captain Jamie Okonkwo at the near post to spark wild celebrations among the traveling supporters behind the goal.

Salford had taken the lead in the 34th minute through striker Dean Marwood, who turned sharply in the box and fired low past Kirkby goalkeeper Ollie Venn. Okonkwo equalized from the penalty spot eight minutes after half-time after Salford defender Callum Price was penalized for handball.

"I told the lads at half-time that we had been the better side and that we would get our reward. I didn't expect it to take until the 108th minute," said Kirkby manager Siobhan Reilly, who became the first woman to win the competition as a manager.

FIG: Luca Bellamy celebrates his extra-time winner at Deepdale.

Salford manager Graham Tuttle said his side had "run out of legs" in extra time. "We gave everything. Credit to Kirkby, they kept going," he said.

Victory earns Kirkby a home tie against the winners of the Southern Cup in the Champions Shield next August.
""",
  keep=["beating Salford Rovers 2–1 after extra time in front of 21,430 spectators at Deepdale",
        "Substitute Luca Bellamy headed the winner in the 108th minute",
        "\"We gave everything. Credit to Kirkby, they kept going,\" he said."],
  comments=[("KTFC_forever", "112 years! I cried like a baby. Thank you Siobhan!"),
            ("Rovers till I die", "Never a penalty. Never in a million years."),
            ("neutral_ned", "Best final in years, both sides deserve credit.")])

A(key="lo-e7", outlet="lo", event="E7", fmt="txt", section="sport",
  slug="reilly-kirkby-make-history-deepdale",
  title="Reilly's Kirkby make history at Deepdale",
  published="2026-11-08T08:30:00Z", author="Grace Whitlow", genre="report",
  body="""
Siobhan Reilly admitted she had "not slept a wink" after guiding Kirkby Town to their first Northern Cup, a 2--1 extra-time win over Salford Rovers at Deepdale on Saturday that ended more than a century of waiting.

Luca Bellamy's header in the 108th minute settled a tense final after Jamie Okonkwo's second-half penalty had cancelled out Dean Marwood's opener for Salford.

Reilly, 41, took charge of Kirkby only in January, when the club was 14th in the table. She is the first woman to lift the trophy as a manager.

"People keep asking me about that. I understand why. But today is about the players and about a town that has waited 112 years," she said.

Thousands of supporters are expected to line the streets of Kirkby on Sunday afternoon for an open-top bus parade from the Town Hall to the club's Mill Lane ground.

For Salford, defeat means a third runners-up finish in five years. Manager Graham Tuttle said he was "proud but gutted".
""",
  keep=["Luca Bellamy's header in the 108th minute settled a tense final",
        "\"People keep asking me about that. I understand why. But today is about the players and about a town that has waited 112 years,\" she said."])

# ---------------------------------------------------------------------------
# E8  SHORT-TB8 tuberculosis trial
# ---------------------------------------------------------------------------

A(key="mw-e8", outlet="mw", event="E8", fmt="rss", section="health",
  slug="eight-week-tuberculosis-treatment-study",
  title="Eight-week tuberculosis treatment as effective as six-month course, study finds",
  published="2026-11-09T14:30:00Z", author="Daniela Ruiz", genre="report",
  flaws=["merged-words"], drop=["researcherssaid", "inan interview", "tothe study"],
  body="""
CAPE TOWN, Nov 9 (Meridian Wire) --- An eight-week drug regimen for tuberculosis cured patients at the same rate as the standard six-month treatment in a late-stage trial across three continents, researcherssaid on Monday.

The SHORT-TB8 trial, which enrolled 1,240 adults in South Africa, Peru and the Philippines, found cure rates of 91.4 percent for the shorter regimen and 90.8 percent for the standard course after 12 months of follow-up. The results were published in Clinical Infectious Trials.

"We have been treating TB in essentially the same way for forty years. This is the first time a regimen this short has held up in a trial of this size," chief investigator Amara Nwosu of the Cape Institute for Respiratory Medicine said inan interview.

Side effects were slightly more common in the first weeks of the shorter regimen, mainly nausea and joint pain, but fewer patients stopped treatment early --- 4 percent compared with 11 percent on the standard course --- according tothe study.

The World Health Organization said in a statement it would review the evidence "as a priority".

Tuberculosis remains one of the leading infectious killers worldwide, with the heaviest burden in Asia and Africa. Shorter treatment is seen as crucial because many patients abandon long courses once they start to feel better, which helps drug-resistant strains to spread.
""",
  keep=["found cure rates of 91.4 percent for the shorter regimen and 90.8 percent for the standard course after 12 months of follow-up",
        "\"We have been treating TB in essentially the same way for forty years. This is the first time a regimen this short has held up in a trial of this size,\""])

A(key="cd-e8", outlet="cd", event="E8", fmt="html", section="science",
  slug="eight-week-tb-regimen-matches-standard",
  title="Eight-week TB regimen matches six-month standard in major trial",
  published="2026-11-09T16:00:00Z", author="Hanna Lindqvist", genre="report",
  flaws=["no-charset"], nocharset=True,
  body="""
CAPE TOWN --- A drug combination taken for just eight weeks cured tuberculosis as effectively as the standard six-month treatment in a large international trial, researchers reported on Monday, in results that could transform care for one of the world's deadliest infectious diseases.

The SHORT-TB8 trial enrolled 1,240 adults with drug-sensitive pulmonary tuberculosis at 31 clinics in South Africa, Peru and the Philippines. After a year of follow-up, 91.4 percent of patients on the eight-week regimen were cured and free of relapse, compared with 90.8 percent of those given standard treatment.

"For patients, every month of treatment is a month of side effects, lost work and trips to the clinic. Cutting that by two-thirds changes everything," said Dr Amara Nwosu, the trial's chief investigator, of the Cape Institute for Respiratory Medicine.

The results were published in the journal Clinical Infectious Trials and presented at a conference in Cape Town.

## Caution from experts

Independent experts welcomed the findings but urged caution. The trial excluded people with HIV whose immune systems were severely weakened, as well as children and pregnant women.

"This is very good news, but it is one trial. Before guidelines change we need to know how it works in the patients who were left out," said Dr José Ramírez, an infectious disease specialist in Lima who was not involved in the research.

The regimen combines four existing drugs at higher doses. Researchers estimate the cost per patient at about $85, similar to the current standard.

Tuberculosis kills more than a million people a year, according to the World Health Organization.
""",
  keep=["The SHORT-TB8 trial enrolled 1,240 adults with drug-sensitive pulmonary tuberculosis at 31 clinics in South Africa, Peru and the Philippines.",
        "said Dr José Ramírez, an infectious disease specialist in Lima who was not involved in the research",
        "Researchers estimate the cost per patient at about $85, similar to the current standard."],
  comments=[("nurse_lungi", "If this holds up it will change my working life. Fingers crossed."),
            ("skeptic42", "One trial, no children, no advanced HIV. Let's not get carried away.")])

A(key="eb-e8", outlet="eb", event="E8", fmt="jsonl", section="health", as_html=True,
  slug="shorter-tb-cure-ease-burden-clinics",
  title="Shorter TB cure could ease burden on clinics, trial suggests",
  published="2026-11-09T18:45:00Z", author="Aiden Clarke", genre="report",
  flaws=["html-in-jsonl"],
  body="""
A treatment for tuberculosis that takes eight weeks instead of six months proved as effective as the standard course in a trial involving more than 1,200 patients, researchers said on Monday.

The SHORT-TB8 study, led by the Cape Institute for Respiratory Medicine in South Africa, found that 91.4% of patients given the shorter regimen were cured without relapse after a year, against 90.8% on the usual treatment.

## Relief for clinics

Health workers said the biggest gains could come in overstretched clinics. "Half my nurses' time goes on chasing patients who stopped coming in month three or four," said Thandiwe Mokoena, who manages a clinic in Khayelitsha, outside Cape Town. "Eight weeks we can manage."

Chief investigator Dr Amara Nwosu said the team had submitted the data to the World Health Organization, which reviews treatment guidelines. A decision is not expected before the second half of 2027.

The trial did not include children, pregnant women or people with advanced HIV, and experts say further studies are needed in those groups.
""",
  keep=["\"Half my nurses' time goes on chasing patients who stopped coming in month three or four,\" said Thandiwe Mokoena",
        "A decision is not expected before the second half of 2027."])

A(key="ng-e8", outlet="ng", event="E8", fmt="html", section="health",
  slug="shorter-tb-treatment-hopes-questions",
  title="Shorter TB treatment raises hopes -- and questions",
  published="2026-11-10T07:30:00Z", author="Samuel Okafor", genre="report",
  body="""
The results of the SHORT-TB8 trial, published on Monday, suggest that most patients with tuberculosis could one day be cured in eight weeks rather than six months. Doctors and campaigners are already asking how quickly -- and for whom -- that might happen.

The study of 1,240 adults in South Africa, Peru and the Philippines found that 91.4 per cent of those on the shorter regimen were cured, against 90.8 per cent on standard treatment.

"The science is the easy part. The hard part is getting a new regimen into 30,000 clinics that have used the same protocol for decades," said Dr Amara Nwosu, the trial's chief investigator.

## Who was left out

The trial excluded children, pregnant women and people with advanced HIV --- groups that account for a large share of TB cases in southern Africa.

Hélène Dubois, policy director at the Geneva-based Treatment Access Coalition, said the result was "a breakthrough for adults that must not become an excuse to forget children".

The regimen relies on higher doses of four drugs already in use, which should keep costs down. Researchers put the price at about $85 per course.

The World Health Organization is expected to review the evidence next year before deciding whether to change its treatment guidelines.
""",
  keep=["\"The science is the easy part. The hard part is getting a new regimen into 30,000 clinics that have used the same protocol for decades,\" said Dr Amara Nwosu",
        "Hélène Dubois, policy director at the Geneva-based Treatment Access Coalition"],
  comments=[("Dr P. Mensah", "Welcome news, but the paediatric gap is real. Hélène Dubois is right."),
            ("J. Carver", "Forty years of the same treatment. Remarkable that it took this long.")])

# ---------------------------------------------------------------------------
# E9  Dublin High Court data-centre ruling
# ---------------------------------------------------------------------------

A(key="cd-e9", outlet="cd", event="E9", fmt="html", section="politics",
  slug="high-court-quashes-clondalkin-data-centre",
  title="High Court quashes permission for Clondalkin data centre",
  published="2026-11-11T15:40:00Z", author="Julia Marchetti", genre="report",
  body="""
DUBLIN --- The High Court on Wednesday quashed planning permission for a €900m data centre campus in Clondalkin, west Dublin, ruling that the planning appeals board had failed to properly assess the project's demand on the local water supply and electricity grid.

Ms Justice Orla Brennan found that the board's decision to approve the 90-megawatt development by Kestrel Data Parks was "not supported by an adequate assessment" of its cumulative impact alongside other data centres in the area.

The case was brought by the Clondalkin Clean Water Alliance, a residents' group, which argued that the campus would use up to 1.4 million litres of water a day during peak cooling.

"This is a victory for people who simply want to know that their taps will still run in August," the group's chairwoman, Deirdre Nolan, said outside the Four Courts.

Kestrel Data Parks said it was "disappointed" and would study the judgment before deciding whether to appeal or submit a fresh application. The company has said the project would create 1,200 construction jobs and 180 permanent posts.

The ruling is the latest setback for data centre developers in the Dublin area, where the grid operator has restricted new connections because of concerns about supply.
""",
  keep=["Ms Justice Orla Brennan found that the board's decision to approve the 90-megawatt development by Kestrel Data Parks was \"not supported by an adequate assessment\"",
        "\"This is a victory for people who simply want to know that their taps will still run in August,\" the group's chairwoman, Deirdre Nolan, said outside the Four Courts."],
  comments=[("Clondalkin Mam", "Delighted. We were never against jobs, just against running dry."),
            ("tech_worker_d15", "So where exactly are these data centres supposed to go?")])

A(key="bd-e9", outlet="bd", event="E9", fmt="txt", section="news",
  slug="residents-celebrate-court-blocks-data-centre",
  title="Residents celebrate as court blocks Dublin data centre",
  published="2026-11-12T08:00:00Z", author="Sophie Tan", genre="report",
  body="""
Residents in Clondalkin were celebrating on Wednesday night after the High Court in Dublin overturned planning permission for a large data centre on the edge of their neighbourhood.

Ms Justice Orla Brennan ruled that the planning appeals board had not carried out an adequate assessment of how much water and electricity the €900m campus would need, or how it would combine with the demands of existing data centres nearby.

"We're not against technology. We're against being told not to worry," said Deirdre Nolan, who chairs the Clondalkin Clean Water Alliance, the group that brought the challenge. About 150 supporters gathered at a community centre in the village to watch the news.

Developer Kestrel Data Parks has 28 days to decide whether to seek leave to appeal. A spokesperson said the company remained "committed to west Dublin".

Local councillor Aoife Gallagher said the ruling should prompt a wider rethink. "Every one of these projects is assessed as if it were the only one. This judgment says that's not good enough," she said.
""",
  keep=["\"We're not against technology. We're against being told not to worry,\" said Deirdre Nolan",
        "Developer Kestrel Data Parks has 28 days to decide whether to seek leave to appeal."])
