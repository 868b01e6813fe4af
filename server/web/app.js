// izdeu-serve's page. The URL holds the whole state (q, sort, lang, credit, since, offset), so a
// search can be bookmarked and the Back button works. Every value from the server enters the page
// as text (text nodes, textContent, attribute values), never as markup.
'use strict';

(function () {
  const PAGE_SIZE = 10;
  const STATE_KEYS = ['q', 'sort', 'lang', 'credit', 'since', 'offset'];
  const LANGUAGE_NAMES = { en: 'English', ru: 'Русский', kk: 'Қазақша', und: 'unknown' };
  const SVG = 'http://www.w3.org/2000/svg';
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const $ = (id) => document.getElementById(id);

  // An element with attributes and children; strings become text nodes.
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null) node.setAttribute(name, value);
    }
    node.append(...children.filter((c) => c !== null && c !== undefined).map((c) => (typeof c === 'number' ? String(c) : c)));
    return node;
  }

  function stateFrom(search) {
    const params = new URLSearchParams(search);
    const state = {};
    for (const key of STATE_KEYS) state[key] = params.get(key) || '';
    state.offset = Math.max(0, parseInt(state.offset, 10) || 0);
    if (state.sort !== 'date') state.sort = 'relevance';
    return state;
  }

  // The page's own URL for a state (defaults left out, so URLs stay short).
  function urlFor(state, path, extra) {
    const params = new URLSearchParams();
    for (const key of STATE_KEYS) {
      const value = state[key];
      if (!value || (key === 'sort' && value === 'relevance')) continue;
      params.set(key, String(value));
    }
    for (const [key, value] of Object.entries(extra || {})) params.set(key, value);
    const query = params.toString();
    return (path || '/') + (query ? '?' + query : '');
  }

  function withChanges(changes) {
    return Object.assign(stateFrom(location.search), { offset: 0 }, changes);
  }

  // A link inside the page: a real <a href> (keyboard, new tab, copy link all work) that the
  // page follows itself.
  function pageLink(href, ...children) {
    const link = el('a', { href }, ...children);
    link.addEventListener('click', follow);
    return link;
  }

  function follow(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const href = event.currentTarget.getAttribute('href');
    history.pushState(null, '', href);
    render({ focus: true });
  }

  // Text with the byte ranges the server marked ([start, end) in UTF-8) wrapped in <mark>.
  function highlighted(text, spans) {
    const bytes = encoder.encode(text || '');
    const fragment = document.createDocumentFragment();
    let at = 0;
    for (const [start, end] of spans || []) {
      if (start < at || end > bytes.length || end <= start) continue;
      fragment.append(decoder.decode(bytes.subarray(at, start)));
      fragment.append(el('mark', {}, decoder.decode(bytes.subarray(start, end))));
      at = end;
    }
    fragment.append(decoder.decode(bytes.subarray(at)));
    return fragment;
  }

  function setStatus(...children) {
    $('status').replaceChildren(...children);
  }

  function showError(message) {
    setStatus(el('span', { class: 'error' }, message));
  }

  function formatDate(date) {
    return date ? date.replace('T', ' ') : 'no date';
  }

  function languageName(code) {
    return LANGUAGE_NAMES[code] || code || 'unknown';
  }

  // ------------------------------------------------------------------ search results

  async function renderSearch(state, options) {
    $('article-view').hidden = true;
    $('q').value = state.q;
    $('sort').value = state.sort;
    const view = $('search-view');
    if (!state.q.trim()) {
      view.classList.add('empty');
      $('help').classList.remove('gone');
      setStatus('');
      document.title = 'izdeu';
      return;
    }
    $('help').classList.add('gone');
    document.title = state.q + ' · izdeu';
    setStatus('Searching…');
    const params = new URLSearchParams({ q: state.q, limit: PAGE_SIZE, offset: state.offset, sort: state.sort });
    for (const key of ['lang', 'credit', 'since']) if (state[key]) params.set(key, state[key]);
    let response, data;
    try {
      response = await fetch('/api/search?' + params.toString());
      data = await response.json();
    } catch (error) {
      view.classList.add('empty');
      showError('The server did not answer: ' + error.message);
      return;
    }
    if (urlFor(stateFrom(location.search)) !== urlFor(state)) return;  // the user moved on meanwhile
    if (!response.ok) {
      view.classList.add('empty');
      showError(data.error || 'The search failed (HTTP ' + response.status + ')');
      if (data.column && data.parameter === 'q') {
        // The column counts characters; the input counts UTF-16 units.
        const before = Array.from(state.q).slice(0, data.column - 1).join('').length;
        const input = $('q');
        input.focus();
        input.setSelectionRange(before, before + 1);
      }
      return;
    }
    view.classList.remove('empty');
    renderStatus(state, data);
    renderFacets(state, data.facets);
    renderHits(state, data);
    if (options.focus) $('results').focus({ preventScroll: false });
  }

  function renderStatus(state, data) {
    const parts = [];
    const shownTo = state.offset + data.hits.length;
    if (data.total === 0) {
      parts.push('No articles match.');
    } else if (data.hits.length === 0) {
      parts.push('About ' + data.total.toLocaleString('en') + ' articles match; none from result ' + (state.offset + 1) + ' on.');
    } else {
      parts.push('Results ' + (state.offset + 1) + '–' + shownTo + ' of about ' + data.total.toLocaleString('en') +
                 ' (' + Math.round(data.elapsed_ms) + ' ms)');
    }
    if (data.did_you_mean) {
      parts.push(el('span', { class: 'suggestion' }, ' Did you mean ',
        pageLink(urlFor(withChanges({ q: data.did_you_mean })), el('b', {}, data.did_you_mean)), '?'));
    }
    setStatus(...parts);
  }

  function renderHits(state, data) {
    const list = el('ol', { start: state.offset + 1 });
    for (const hit of data.hits) {
      const meta = [formatDate(hit.date)];
      if (hit.credit) meta.push(hit.credit);
      meta.push(languageName(hit.lang));
      if (hit.duplicates > 0) meta.push('+' + hit.duplicates + (hit.duplicates === 1 ? ' copy' : ' copies'));
      const title = hit.title || '(untitled)';
      list.append(el('li', { class: 'hit', lang: hit.lang && hit.lang !== 'und' ? hit.lang : null },
        el('h3', {}, pageLink(urlFor(state, '/article', { id: hit.id }), title)),
        el('div', { class: 'meta' }, meta.join(' · ')),
        hit.snippet ? el('p', { class: 'snippet' }, highlighted(hit.snippet, hit.highlights)) : null));
    }
    const pages = el('nav', { class: 'pages', 'aria-label': 'Pages' });
    if (state.offset > 0) {
      pages.append(pageLink(urlFor(Object.assign({}, state, { offset: Math.max(0, state.offset - PAGE_SIZE) })), '← Previous'));
    }
    if (data.hits.length > 0) pages.append(el('span', {}, 'Page ' + (Math.floor(state.offset / PAGE_SIZE) + 1)));
    if (data.hits.length === PAGE_SIZE && state.offset + PAGE_SIZE < data.total) {
      const next = pageLink(urlFor(Object.assign({}, state, { offset: state.offset + PAGE_SIZE })), 'Next →');
      next.setAttribute('rel', 'next');
      pages.append(next);
    }
    $('results').replaceChildren(list, pages);
  }

  // ------------------------------------------------------------------ facets

  function renderFacets(state, facets) {
    const box = $('facets');
    box.replaceChildren();
    const active = el('div', { class: 'filters' });
    const removable = { lang: (v) => languageName(v), credit: (v) => v, since: (v) => 'dates ' + v };
    for (const [key, label] of Object.entries(removable)) {
      if (!state[key]) continue;
      const link = pageLink(urlFor(withChanges({ [key]: '' })), label(state[key]), ' ✕');
      link.setAttribute('aria-label', 'Remove the filter ' + label(state[key]));
      link.dataset.remove = key;
      active.append(link);
    }
    if (active.childElementCount) box.append(active);
    if (!facets) return;
    box.append(facetList('Language', 'lang', state, facets.lang, languageName));
    if (facets.credit.length) box.append(facetList('Credit', 'credit', state, facets.credit, (v) => v));
    if (facets.month.length) box.append(el('h2', {}, 'By month'), histogram(state, facets.month));
  }

  function facetList(heading, key, state, counts, label) {
    const list = el('ul', {});
    for (const { value, count } of counts) {
      const link = pageLink(urlFor(withChanges({ [key]: value })), label(value));
      link.dataset.facet = key;
      link.dataset.value = value;
      if (state[key] === value) link.classList.add('active');
      list.append(el('li', {}, link, el('span', { class: 'count' }, count.toLocaleString('en'))));
    }
    return el('section', {}, el('h2', {}, heading), list);
  }

  // Matches by month as bars; a bar is a link that narrows the search to its month.
  function histogram(state, months) {
    const all = [];
    const [firstYear, firstMonth] = months[0].value.split('-').map(Number);
    const [lastYear, lastMonth] = months[months.length - 1].value.split('-').map(Number);
    const counts = new Map(months.map((m) => [m.value, m.count]));
    // Every month in between, so gaps show; at most 240 bars.
    for (let y = firstYear, m = firstMonth; (y < lastYear || (y === lastYear && m <= lastMonth)) && all.length < 240;) {
      const key = y + '-' + String(m).padStart(2, '0');
      all.push({ value: key, count: counts.get(key) || 0 });
      if (++m > 12) { m = 1; ++y; }
    }
    const width = 240, height = 90, axis = 14;
    const max = Math.max(...all.map((m) => m.count));
    const barWidth = Math.min(24, width / all.length);  // a few months stay bars, not a wall
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + (height + axis));
    svg.setAttribute('class', 'histogram');
    svg.setAttribute('role', 'group');
    svg.setAttribute('aria-label', 'Matching articles by month');
    all.forEach((month, i) => {
      const barHeight = month.count ? Math.max(2, (month.count / max) * height) : 0;
      const bar = document.createElementNS(SVG, 'rect');
      bar.setAttribute('x', (i * barWidth + 0.5).toFixed(2));
      bar.setAttribute('y', (height - barHeight).toFixed(2));
      bar.setAttribute('width', Math.max(1, barWidth - 1).toFixed(2));
      bar.setAttribute('height', barHeight.toFixed(2));
      const title = document.createElementNS(SVG, 'title');
      title.textContent = month.value + ': ' + month.count + (month.count === 1 ? ' article' : ' articles');
      if (!month.count) {
        // A whole-height invisible target would be a link to nothing: empty months are not links.
        bar.append(title);
        svg.append(bar);
        return;
      }
      const link = document.createElementNS(SVG, 'a');
      const since = month.value + '..' + month.value;
      link.setAttribute('href', urlFor(withChanges({ since })));
      link.setAttribute('aria-label', title.textContent);
      link.dataset.month = month.value;
      if (state.since === since) link.classList.add('active');
      link.addEventListener('click', follow);
      // The bar's column is the link's area, so short bars are easy to hit.
      const area = document.createElementNS(SVG, 'rect');
      area.setAttribute('x', (i * barWidth).toFixed(2));
      area.setAttribute('y', '0');
      area.setAttribute('width', barWidth.toFixed(2));
      area.setAttribute('height', String(height));
      area.setAttribute('fill-opacity', '0');
      link.append(title, area, bar);
      svg.append(link);
    });
    const label = (text, x, anchor) => {
      const t = document.createElementNS(SVG, 'text');
      t.setAttribute('x', String(x));
      t.setAttribute('y', String(height + axis - 3));
      t.setAttribute('text-anchor', anchor);
      t.textContent = text;
      svg.append(t);
    };
    label(all[0].value, 0, 'start');
    if (all.length > 1) label(all[all.length - 1].value, width, 'end');
    return svg;
  }

  // ------------------------------------------------------------------ one article

  async function renderArticle(state, id, options) {
    $('search-view').classList.add('empty');
    $('help').classList.add('gone');
    $('q').value = state.q;
    $('sort').value = state.sort;
    const view = $('article-view');
    view.hidden = false;
    view.replaceChildren();
    setStatus('Loading…');
    const params = new URLSearchParams({ id });
    if (state.q) params.set('q', state.q);
    let response, data;
    try {
      response = await fetch('/api/article?' + params.toString());
      data = await response.json();
    } catch (error) {
      showError('The server did not answer: ' + error.message);
      return;
    }
    if (!response.ok) {
      showError(data.error || 'The article could not be read (HTTP ' + response.status + ')');
      return;
    }
    setStatus(state.q ? pageLink(urlFor(state), '← Back to the results') : pageLink('/', '← Search'));
    document.title = (data.title || data.id) + ' · izdeu';
    const meta = [formatDate(data.date)];
    if (data.credit) meta.push(data.credit);
    meta.push(languageName(data.lang), data.id);
    const lang = data.lang && data.lang !== 'und' ? data.lang : null;
    if (lang) view.setAttribute('lang', lang); else view.removeAttribute('lang');
    // Filtered: the DOM's append writes a missing link (null) as the text "null".
    view.append(...[
      el('h1', {}, highlighted(data.title || '(untitled)', data.title ? data.title_highlights : [])),
      el('p', { class: 'meta' }, meta.join(' · ')),
      data.url ? el('p', {}, el('a', { href: /^https?:\/\//i.test(data.url) ? data.url : null, rel: 'noopener noreferrer' }, data.url)) : null,
      el('div', { class: 'text' }, highlighted(data.text, data.highlights))].filter((node) => node !== null));
    if (options.focus) view.focus();
  }

  // ------------------------------------------------------------------ wiring

  function render(options) {
    const state = stateFrom(location.search);
    const id = new URLSearchParams(location.search).get('id');
    if (location.pathname === '/article' && id) {
      renderArticle(state, id, options || {});
    } else {
      renderSearch(state, options || {});
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('search-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const state = withChanges({ q: $('q').value, sort: $('sort').value });
      history.pushState(null, '', urlFor(state));
      render({});
    });
    $('sort').addEventListener('change', () => {
      if (!$('q').value.trim()) return;
      history.pushState(null, '', urlFor(withChanges({ q: $('q').value, sort: $('sort').value })));
      render({});
    });
    window.addEventListener('popstate', () => render({}));
    document.addEventListener('keydown', (event) => {
      const typing = ['INPUT', 'SELECT', 'TEXTAREA'].includes(document.activeElement.tagName);
      if (event.key === '/' && !typing) {
        event.preventDefault();
        $('q').focus();
        $('q').select();
      }
    });
    if (!location.search) $('q').focus();
    render({});
  });
})();
