import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { en, type MessageKey, type Messages } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type Language = 'en' | 'zh-CN';
export const LANGUAGES: readonly { value: Language; label: string }[] = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en', label: 'English' },
];

const DICTIONARIES: Record<Language, Messages> = { en, 'zh-CN': zhCN };
const LANGUAGE_KEY = 'membrain.language';

/** The saved choice, else zh-CN for a browser that prefers Chinese, else English. */
export function initialLanguage(): Language {
  try {
    const saved = localStorage.getItem(LANGUAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // no storage: fall back to the browser's preference
  }
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/**
 * The locale numbers and dates are written in: the browser's own when it speaks the chosen
 * language (en-GB keeps day/month order), else the chosen language.
 */
function formatLocaleFor(language: Language): string {
  const prefix = language.slice(0, 2);
  const browser = (navigator.languages ?? [navigator.language]).find((l) =>
    l.toLowerCase().startsWith(prefix),
  );
  return browser ?? language;
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** `{name}` placeholders filled from `vars`; unknown names stay as written. */
function fill(text: string, vars?: Record<string, string | number>): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (match, name: string) =>
    vars[name] === undefined ? match : String(vars[name]),
  );
}

interface I18n {
  language: Language;
  locale: string;
  setLanguage: (language: Language) => void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);

  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      localStorage.setItem(LANGUAGE_KEY, next);
    } catch {
      // the choice lasts for this page only
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const value = useMemo<I18n>(() => {
    const dictionary = DICTIONARIES[language];
    const t: Translate = (key, vars) => fill(dictionary[key] ?? en[key] ?? key, vars);
    return { language, locale: formatLocaleFor(language), setLanguage, t };
  }, [language, setLanguage]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

/**
 * Texts a lazily loaded page brings along (the programme editors), so the first load carries
 * only the shared dictionary. Both languages have exactly the keys of the English one.
 */
export interface PageMessages<K extends string> {
  en: Readonly<Record<K, string>>;
  'zh-CN': Readonly<Record<K, string>>;
}

export type PageTranslate<K extends string> = (key: K, vars?: Record<string, string | number>) => string;

/** The page dictionary's `t` in the dashboard's language. */
export function usePageMessages<K extends string>(messages: PageMessages<K>): PageTranslate<K> {
  const { language } = useI18n();
  return useMemo(() => {
    const dictionary = messages[language];
    return (key: K, vars?: Record<string, string | number>) =>
      fill(dictionary[key] ?? messages.en[key], vars);
  }, [messages, language]);
}

/** A translated label for an event type, or the raw type when unknown. */
export function eventLabel(t: Translate, type: string): string {
  const key = `event.${type}` as MessageKey;
  return key in en ? t(key) : type;
}
